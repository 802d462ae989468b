using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Serving;
using SingleActive.Webhook.Tests.Golden;
using SingleActive.Webhook.Tests.Serving;
using Xunit.Abstractions;

namespace SingleActive.Webhook.Tests.Robustness;

/// <summary>
/// 100,000 generated bad bodies against the real server over loopback HTTPS: no 5xx, no dropped
/// connection, every denial and every 4xx carries a message, the process's memory stays bounded,
/// and the server still answers a good request afterwards.
/// </summary>
public sealed class MalformedInputTests(QuietWebhookServer server, ITestOutputHelper output) : IClassFixture<QuietWebhookServer>
{
    private const int Bodies = 100_000;
    private const int Workers = 8;
    private const int Seed = 20261123;

    // A sanity bound on the whole test process (server, client and generator share it). The leak
    // check is the sharper one: buffer pools (ArrayPool, Kestrel's) fill up after the megabyte bodies
    // and then level off, so the second half may add much less than the first; a leak adds as much.
    private const long PeakWorkingSetLimit = 2L << 30;

    // ArrayPool.Shared keeps up to 8 arrays per size class per core plus one per thread, and parsing
    // bodies near the 3 MiB limit rents 4-8 MiB arrays: a bounded few hundred MiB that may still be
    // filling during the second half (seen: +288 MiB, then +498 MiB). A leak of request bodies or
    // documents retains far more than this over 50,000 requests, and the peak bound above still holds.
    private const long GrowthSlack = 512L << 20;

    [Fact]
    public async Task Mutate_HundredThousandMalformedBodies_NeverFailsOrCrashes()
    {
        var maxBody = server.Services.GetRequiredService<IOptions<ServerOptions>>().Value.MaxRequestBodyBytes;
        var generator = new BadBodyGenerator([.. TestData.Fixtures.Select(TestData.Fixture)], Seed, maxBody);
        var violations = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<string, int>();
        var next = -1;
        using var sampling = new CancellationTokenSource();
        var peak = 0L;
        var sampler = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(50, CancellationToken.None);
            }
        });

        // Two halves, with what survives a full GC measured after each (see GrowthSlack).
        var retained = new List<long> { RetainedBytes() };
        var clock = Stopwatch.StartNew();
        foreach (var end in new[] { Bodies / 2, Bodies })
        {
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < end)
                {
                    var body = generator.Generate(i);
                    var verdict = await PostAndCheckAsync(body);
                    statuses.AddOrUpdate($"{body.Category} -> {verdict.Outcome}", 1, (_, n) => n + 1);
                    if (verdict.Problem is not null)
                    {
                        violations.Enqueue($"#{body.Index} ({body.Category}, seed {Seed}): {verdict.Problem}; body starts {body.Preview}");
                    }
                }
            })));
            next = end - 1;
            retained.Add(RetainedBytes());
        }

        clock.Stop();
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"{Bodies} bodies in {clock.Elapsed.TotalSeconds:F1} s; peak working set of the test process (server + client + generator): {peak / (1024.0 * 1024):F0} MiB");
        output.WriteLine($"managed heap after a full GC: {retained[0] / (1024.0 * 1024):F1} MiB before, {retained[1] / (1024.0 * 1024):F1} MiB after {Bodies / 2} bodies, {retained[2] / (1024.0 * 1024):F1} MiB after {Bodies}");
        foreach (var (outcome, count) in statuses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {outcome}: {count}");
        }

        Assert.True(violations.IsEmpty, $"{violations.Count} violations, first ones:\n" + string.Join("\n", violations.Take(10)));
        Assert.True(peak < PeakWorkingSetLimit, $"peak working set {peak / (1024 * 1024)} MiB exceeds {PeakWorkingSetLimit / (1024 * 1024)} MiB");
        var first = retained[1] - retained[0];
        var second = retained[2] - retained[1];
        Assert.True(second < (0.9 * first) + GrowthSlack, $"retained memory grows with the request count: +{first / (1024 * 1024)} MiB over the first half, +{second / (1024 * 1024)} MiB over the second");

        // Still serving, and still right.
        var (response, review) = await server.PostReviewAsync(TestData.Fixture("pod-create-dry-run"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(review?.Response?.Allowed);
        Assert.NotNull(review!.Response!.Patch);
    }

    private long RetainedBytes()
    {
        // The fixture's recording provisioner (a test double) keeps every ServiceAccount request it saw,
        // huge generated names included; that is the test's memory, not the server's.
        server.Provisioner.Clear();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private async Task<(string Outcome, string? Problem)> PostAndCheckAsync(BadBody body)
    {
        using var content = new ByteArrayContent(body.Bytes);
        if (body.ContentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(body.ContentType);
        }

        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await server.Client.PostAsync("/mutate", content);
            answer = await response.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException ex)
        {
            return ("connection error", $"request failed without an HTTP answer: {ex.Message}");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                return ($"HTTP {status}", $"HTTP {status}: {Encoding.UTF8.GetString(answer)}");
            }

            if (status != 200)
            {
                return ($"HTTP {status}", answer.Length == 0 ? $"HTTP {status} without a message" : null);
            }

            return Check200(answer);
        }
    }

    private static (string Outcome, string? Problem) Check200(byte[] answer)
    {
        try
        {
            using var doc = JsonDocument.Parse(answer);
            if (!doc.RootElement.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
            {
                return ("200 without response", "HTTP 200 without an AdmissionReview response");
            }

            var allowed = response.TryGetProperty("allowed", out var a) && a.ValueKind == JsonValueKind.True;
            if (allowed)
            {
                return (response.TryGetProperty("patch", out _) ? "allowed with patch" : "allowed", null);
            }

            var message = response.TryGetProperty("status", out var s) && s.TryGetProperty("message", out var m) ? m.GetString() : null;
            return ("denied", string.IsNullOrWhiteSpace(message) ? "denied without a status.message" : null);
        }
        catch (JsonException ex)
        {
            return ("200 not JSON", $"HTTP 200 whose body is not JSON: {ex.Message}");
        }
    }
}

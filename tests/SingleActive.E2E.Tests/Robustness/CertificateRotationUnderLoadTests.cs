using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Robustness;

/// <summary>
/// The published webhook under steady load while its certificate is replaced ten times through a
/// kubelet-style <c>..data</c> symlink swap: no request fails, and each new certificate is what a
/// fresh connection sees within 10 s.
/// </summary>
public sealed class CertificateRotationUnderLoadTests(ITestOutputHelper output)
{
    private const int Rotations = 10;
    private static readonly TimeSpan ServedWithin = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Serve_CertificateSwappedTenTimesUnderLoad_NoFailedRequestAndNewCertificateWithinTenSeconds()
    {
        var work = Directory.CreateTempSubdirectory("single-active-rotation-").FullName;
        try
        {
            // Every bundle has its own CA (as a re-issued self-signed setup would); clients trust all of them,
            // so a failure can only come from the server, not from the test's trust.
            var bundles = new List<(string Cert, string Key, X509Certificate2 Leaf)>();
            var trusted = new X509Certificate2Collection();
            for (var i = 0; i <= Rotations; i++)
            {
                var dir = await WebhookUnderTest.CreateCertificatesAsync(Path.Combine(work, $"bundle-{i}"));
                var cert = await File.ReadAllTextAsync(Path.Combine(dir, "tls.crt"));
                bundles.Add((cert, await File.ReadAllTextAsync(Path.Combine(dir, "tls.key")), X509Certificate2.CreateFromPem(cert)));
                trusted.Add(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir, "ca.crt"))));
            }

            var volume = new KubeletStyleSecretVolume(Path.Combine(work, "secret"));
            volume.Write(bundles[0].Cert, bundles[0].Key);
            await using var webhook = await WebhookUnderTest.StartAsync(work, volume.CertFile, volume.KeyFile, trusted);

            using var stop = new CancellationTokenSource();
            var failures = new ConcurrentQueue<string>();
            var completed = 0L;
            var clients = new[]
            {
                webhook.CreateClient(keepAlive: true),
                webhook.CreateClient(keepAlive: true),
                webhook.CreateClient(keepAlive: true, connectionLifetime: TimeSpan.FromMilliseconds(300)),
                webhook.CreateClient(keepAlive: false),
            };
            var load = clients.Select(client => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var content = WebhookUnderTest.ReviewContent();
                        using var response = await client.PostAsync(webhook.MutateUrl, content, CancellationToken.None);
                        if (!response.IsSuccessStatusCode)
                        {
                            failures.Enqueue($"HTTP {(int)response.StatusCode}");
                        }
                        else
                        {
                            Interlocked.Increment(ref completed);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        failures.Enqueue(ex.GetType().Name + ": " + ex.Message + (ex.InnerException is { } inner ? " / " + inner.Message : ""));
                    }

                    await Task.Delay(5, CancellationToken.None);
                }
            })).ToList();

            var servedAfter = new List<TimeSpan>();
            for (var rotation = 1; rotation <= Rotations; rotation++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                volume.Write(bundles[rotation].Cert, bundles[rotation].Key);
                var swapped = Stopwatch.StartNew();
                var expected = bundles[rotation].Leaf.Thumbprint;
                while (true)
                {
                    using var presented = await webhook.PresentedCertificateAsync();
                    if (presented.Thumbprint == expected)
                    {
                        servedAfter.Add(swapped.Elapsed);
                        break;
                    }

                    Assert.True(swapped.Elapsed < ServedWithin, $"rotation {rotation}: the new certificate was not served within {ServedWithin.TotalSeconds} s");
                    await Task.Delay(50);
                }
            }

            await stop.CancelAsync();
            await Task.WhenAll(load);
            foreach (var client in clients)
            {
                client.Dispose();
            }

            output.WriteLine($"{completed} requests during {Rotations} rotations; new certificate served after " +
                string.Join(", ", servedAfter.Select(t => $"{t.TotalMilliseconds:F0} ms")));
            Assert.True(failures.IsEmpty, $"{failures.Count} failed requests, e.g.: " + string.Join(" | ", failures.Take(5)));
            Assert.True(completed > 100, $"only {completed} requests completed: the load did not run");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Robustness;

/// <summary>
/// SIGTERM to the published webhook in the middle of load: it stops accepting connections, closes
/// idle keep-alive connections (the API server would otherwise reuse one that is about to vanish),
/// completes the request that is in flight, answers nothing with a 5xx, and exits 0.
/// </summary>
public sealed class ShutdownUnderLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_DuringLoad_StopsAcceptingClosesIdleConnectionsAndCompletesInFlight()
    {
        var work = Directory.CreateTempSubdirectory("single-active-shutdown-").FullName;
        try
        {
            var certs = await WebhookUnderTest.CreateCertificatesAsync(Path.Combine(work, "certs"));
            var trusted = new X509Certificate2Collection(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(certs, "ca.crt"))));
            await using var webhook = await WebhookUnderTest.StartAsync(
                work, Path.Combine(certs, "tls.crt"), Path.Combine(certs, "tls.key"), trusted, "--shutdown-delay", "00:00:00", "--shutdown-timeout", "00:00:20");

            // An idle keep-alive connection that has served one request.
            var (idleTcp, idle) = await webhook.ConnectAsync();
            using var idleTcpDispose = idleTcp;
            await using var idleDispose = idle;
            await idle.WriteAsync("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());
            Assert.StartsWith("HTTP/1.1 200", await ReadResponseAsync(idle));

            // A request in flight: headers and half the body sent, the rest comes after SIGTERM.
            var body = Encoding.UTF8.GetBytes(WebhookUnderTest.PodReview);
            var (slowTcp, slow) = await webhook.ConnectAsync();
            using var slowTcpDispose = slowTcp;
            await using var slowDispose = slow;
            await slow.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
            await slow.WriteAsync(body.AsMemory(0, body.Length / 2));
            await slow.FlushAsync();

            // Steady load on keep-alive connections.
            using var stop = new CancellationTokenSource();
            var statuses = new ConcurrentDictionary<int, int>();
            var connectionErrors = 0;
            var load = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                using var client = webhook.CreateClient(keepAlive: true);
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var content = WebhookUnderTest.ReviewContent();
                        using var response = await client.PostAsync(webhook.MutateUrl, content, CancellationToken.None);
                        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref connectionErrors); // refused once the listener is closed
                        await Task.Delay(20, CancellationToken.None);
                    }

                    await Task.Delay(2, CancellationToken.None);
                }
            })).ToList();
            await Task.Delay(TimeSpan.FromSeconds(1));

            var stopping = webhook.Process.StopAsync(TimeSpan.FromSeconds(30));

            // Idle keep-alive connections are closed by the server.
            var buffer = new byte[512];
            var read = await idle.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, read);

            // No new connections are accepted (the in-flight request keeps the process alive meanwhile).
            Assert.False(webhook.Process.HasExited, "the webhook exited before its in-flight request completed");
            await Assert.ThrowsAnyAsync<SocketException>(async () =>
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, webhook.Port);
            });

            // The in-flight request completes.
            await slow.WriteAsync(body.AsMemory(body.Length / 2));
            await slow.FlushAsync();
            var answer = await ReadResponseAsync(slow).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "the in-flight request was not completed: " + answer);
            Assert.Contains("\"allowed\":true", answer, StringComparison.Ordinal);

            await stopping;
            await stop.CancelAsync();
            await Task.WhenAll(load);
            var exitCode = await webhook.Process.Exited;
            output.WriteLine($"load responses by status: {string.Join(", ", statuses.Select(p => $"{p.Key}: {p.Value}"))}; connection errors after SIGTERM: {connectionErrors}; exit code {exitCode}");
            Assert.Equal(0, exitCode);
            Assert.DoesNotContain(statuses.Keys, s => s >= 500);
            Assert.True(statuses.GetValueOrDefault(200) > 0, "the load produced no successful request");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Reads one HTTP/1.1 response with a Content-Length body.</summary>
    private static async Task<string> ReadResponseAsync(SslStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var all = text.ToString();
            var headerEnd = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd < 0)
            {
                continue;
            }

            var lengthLine = all[..headerEnd].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (Encoding.UTF8.GetByteCount(all[(headerEnd + 4)..]) >= length)
            {
                return all;
            }
        }
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SingleActive.Webhook.Serving;
using SingleActive.Webhook.Tests.Tls;

namespace SingleActive.Webhook.Tests.Serving;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_WithRequestInFlight_FailsReadinessClosesIdleConnectionsAndFinishesTheRequest()
    {
        var server = new ScriptedWebhookServer();
        await server.InitializeAsync();
        try
        {
            var readiness = server.Services.GetRequiredService<ReadinessState>();
            using var idle = await OpenIdleKeepAliveConnectionAsync(server);

            var inFlight = server.PostReviewAsync(Reviews.Pod("slow"));
            await server.Handler.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            var stopping = server.App.StopAsync();
            Assert.False(readiness.IsReady);

            // The idle keep-alive connection is closed while the slow request is still running.
            var buffer = new byte[256];
            var read = await idle.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, read);
            Assert.False(inFlight.IsCompleted);

            server.Handler.Release();
            var (response, review) = await inFlight.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(review!.Response!.Allowed);
            Assert.True(response.Headers.ConnectionClose);
            await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            server.Handler.Release();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stop_WithShutdownDelay_ReadyzAnswers503WhileTheListenerStillAccepts()
    {
        var server = await WebhookServerFixture.StartAsync(["--shutdown-delay", "00:00:03"]);
        try
        {
            var stopping = server.App.StopAsync();

            using var client = CaTrust.CreateClient(server.BaseAddress, server.Authority, pooled: false);
            var response = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("not ready: shutting down\n", await response.Content.ReadAsStringAsync());
            Assert.False(stopping.IsCompleted);
            await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<SslStream> OpenIdleKeepAliveConnectionAsync(WebhookServerFixture server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) => CaTrust.Verifies(server.Authority, certificate));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        });
        await ssl.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var buffer = new byte[4096];
        var text = "";
        while (!text.EndsWith("ok\n", StringComparison.Ordinal))
        {
            var n = await ssl.ReadAsync(buffer);
            Assert.NotEqual(0, n);
            text += Encoding.ASCII.GetString(buffer, 0, n);
        }

        Assert.StartsWith("HTTP/1.1 200", text);
        return ssl;
    }
}

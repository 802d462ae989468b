using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SingleActive.E2E.Tests.Kubelet.Network;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// The app of a simulated app container: a real HTTP server (Kestrel) inside the pod's network namespace,
/// on every port the container declares or probes. It answers any path with 200 while healthy and 503
/// otherwise; a test flips <see cref="Healthy"/>. The container's <c>args</c> shape it as a real app's
/// flags would: <c>--tls</c> (HTTPS with a self-signed certificate), <c>--listen=pod-ip</c> (only the pod
/// IP, not the wildcard address, so loopback is refused), <c>--require-host=NAME</c> (400 unless the Host
/// header is NAME), <c>--shutdown-seconds=N</c> (keeps serving N seconds after SIGTERM before it exits).
/// </summary>
internal sealed class AppServer : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> SelfSigned = new(CreateCertificate);
    private readonly WebApplication app;
    private volatile bool healthy = true;

    private AppServer(WebApplication app, AppServerSettings settings)
    {
        this.app = app;
        Settings = settings;
    }

    public AppServerSettings Settings { get; }

    public bool Healthy
    {
        get => this.healthy;
        set => this.healthy = value;
    }

    public static async Task<AppServer> StartAsync(PodSandbox sandbox, IReadOnlyCollection<int> ports, AppServerSettings settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<IHostLifetime, HarnessLifetime>();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().UseSockets(options =>
            options.CreateBoundListenSocket = endPoint => sandbox.Namespace.Inside(() => SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var port in ports)
            {
                kestrel.Listen(settings.PodIpOnly ? sandbox.PodIp : IPAddress.IPv6Any, port, listen =>
                {
                    if (settings.Tls)
                    {
                        listen.UseHttps(SelfSigned.Value);
                    }
                });
            }
        });
        var app = builder.Build();
        var server = new AppServer(app, settings);
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>SIGTERM: serves on for the configured shutdown time (at most <paramref name="gracePeriod"/>, then it is killed), then exits.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        var linger = Settings.ShutdownDelay < gracePeriod ? Settings.ShutdownDelay : gracePeriod;
        if (linger > TimeSpan.Zero)
        {
            await Task.Delay(linger);
        }

        await this.app.StopAsync(TimeSpan.FromSeconds(1));
    }

    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync(TimeSpan.Zero);
        await this.app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        if (Settings.RequiredHost is { } host && !string.Equals(context.Request.Host.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"Host {context.Request.Host} is not {host}");
            return;
        }

        var healthy = this.healthy;
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await context.Response.WriteAsync(healthy ? "ok" : "unhealthy (set by the test)");
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=app.stand-in.invalid", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The test host owns signals: an app server must never take SIGTERM of the test process for itself (ConsoleLifetime would).</summary>
    private sealed class HarnessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

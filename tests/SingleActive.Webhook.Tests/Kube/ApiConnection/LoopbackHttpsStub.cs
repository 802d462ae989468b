using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SingleActive.Webhook.Tests.Kube.ApiConnection;

/// <summary>
/// A Kestrel endpoint on 127.0.0.1 serving a given certificate, answering <c>GET /version</c> as a 1.20
/// kube-apiserver does. For TLS-trust tests only: what is under test is the handshake, not the API.
/// </summary>
public sealed class LoopbackHttpsStub : IAsyncDisposable
{
    public const string GitVersion = "v1.20.2";

    private readonly WebApplication app;

    private LoopbackHttpsStub(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<LoopbackHttpsStub> StartAsync(X509Certificate2 serving)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serving)));
        var app = builder.Build();
        app.MapGet("/version", () => Results.Text(
            $$"""{"major":"1","minor":"20","gitVersion":"{{GitVersion}}","platform":"linux/amd64"}""", "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackHttpsStub(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }
}

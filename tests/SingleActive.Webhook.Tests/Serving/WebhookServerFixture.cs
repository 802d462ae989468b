using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Hosting;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Tls;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Serving;

/// <summary>
/// The real webhook app (same builder as the binary) over HTTPS on 127.0.0.1 with a free port and a freshly
/// generated CA/certificate; no Kubernetes API, and a <see cref="RecordingServiceAccountProvisioner"/> in
/// place of the real provisioner. Use as an xunit class fixture, or <see cref="StartAsync"/> for variants.
/// </summary>
public class WebhookServerFixture : IAsyncLifetime
{
    private readonly string[] extraArgs;
    private readonly Action<IServiceCollection>? overrideServices;
    private WebApplication? app;
    private HttpClient? client;

    public WebhookServerFixture()
        : this([], null)
    {
    }

    protected WebhookServerFixture(string[] extraArgs, Action<IServiceCollection>? overrideServices)
    {
        this.extraArgs = extraArgs;
        this.overrideServices = overrideServices;
        Directory = Path.Combine(Path.GetTempPath(), "single-active-tests", Guid.NewGuid().ToString("N")[..12]);
    }

    public RecordingServiceAccountProvisioner Provisioner { get; } = new();

    /// <summary>Holds tls.crt, tls.key and ca.crt of the server's certificate.</summary>
    public string Directory { get; }

    public string CertFile => Path.Combine(Directory, CertificateBundle.CertificateFileName);

    public string KeyFile => Path.Combine(Directory, CertificateBundle.PrivateKeyFileName);

    public X509Certificate2 Authority { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Trusts only <see cref="Authority"/>.</summary>
    public HttpClient Client => client ?? throw new InvalidOperationException("not started");

    public WebApplication App => this.app ?? throw new InvalidOperationException("not started");

    public IServiceProvider Services => App.Services;

    /// <summary>Starts a server with extra flags and service replacements (applied after the fixture's own).</summary>
    public static async Task<WebhookServerFixture> StartAsync(string[]? extraArgs = null, Action<IServiceCollection>? overrideServices = null)
    {
        var fixture = new WebhookServerFixture(extraArgs ?? [], overrideServices);
        await fixture.InitializeAsync();
        return fixture;
    }

    /// <summary>POSTs <paramref name="json"/> to /mutate; the review is parsed when the answer is 200 JSON.</summary>
    public async Task<(HttpResponseMessage Response, AdmissionReview? Review)> PostReviewAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await PostAsync(content);
    }

    /// <summary>POSTs any content to /mutate (for bad-input tests).</summary>
    public async Task<(HttpResponseMessage Response, AdmissionReview? Review)> PostAsync(HttpContent content)
    {
        var response = await Client.PostAsync(WebhookApp.MutatePath, content);
        AdmissionReview? review = null;
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            review = JsonSerializer.Deserialize(body, AdmissionJsonContext.Default.AdmissionReview);
        }

        return (response, review);
    }

    public async Task InitializeAsync()
    {
        using (var bundle = CertificateFactory.CreateBundle(["localhost"], [System.Net.IPAddress.Loopback], TimeSpan.FromDays(2), "single-active test CA"))
        {
            bundle.WriteTo(Directory);
            Authority = X509Certificate2.CreateFromPem(bundle.CaCertificatePem);
        }

        string[] args =
        [
            "--tls-cert-file", CertFile, "--tls-private-key-file", KeyFile, "--port", "0", "--bind", "127.0.0.1",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. this.extraArgs,
        ];
        this.app = WebhookApp.Build(args, services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IServiceAccountProvisioner>(Provisioner));
            services.Replace(ServiceDescriptor.Singleton(ClusterConnection.None));
            this.overrideServices?.Invoke(services);
        });
        await this.app.StartAsync();

        var address = this.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        client = CaTrust.CreateClient(BaseAddress, Authority);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (this.app is not null)
        {
            await this.app.StopAsync();
            await this.app.DisposeAsync();
        }

        Authority?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}

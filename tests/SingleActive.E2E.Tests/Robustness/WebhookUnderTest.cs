using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Robustness;

/// <summary>
/// The published webhook as a bare process (no API server) on a loopback port, for the operational
/// robustness tests: certificate files it is given, clients that trust a set of CAs, load helpers.
/// </summary>
public sealed class WebhookUnderTest : IAsyncDisposable
{
    public const string PodReview = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"5d3c0d53-0000-4000-8000-000000000001",
         "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
         "namespace":"robustness","name":"web-0","operation":"CREATE","dryRun":true,
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"robustness","annotations":{"single-active":"true"}},
                   "spec":{"containers":[{"name":"app","image":"registry.example/app:1","ports":[{"containerPort":8080}]}]}}}}
        """;

    private readonly LocalProcess process;

    private WebhookUnderTest(LocalProcess process, int port, X509Certificate2Collection trusted)
    {
        this.process = process;
        Port = port;
        Trusted = trusted;
    }

    public int Port { get; }

    public X509Certificate2Collection Trusted { get; }

    public LocalProcess Process => this.process;

    public Uri MutateUrl => new($"https://127.0.0.1:{Port}/mutate");

    /// <summary>Writes a CA and serving certificate for 127.0.0.1 with the webhook's own <c>certs</c> command.</summary>
    public static async Task<string> CreateCertificatesAsync(string directory)
    {
        var binary = RepositoryPaths.PublishedBinary(RepositoryPaths.WebhookBinary);
        var (exit, stdout, stderr) = await ExternalCommand.RunAsync(binary, ["certs", "--out", directory, "--ip", "127.0.0.1", "--dns", "localhost"]);
        Assert.True(exit == 0, $"certs failed: {stderr}{stdout}");
        return directory;
    }

    public static async Task<WebhookUnderTest> StartAsync(string workDirectory, string certFile, string keyFile, X509Certificate2Collection trusted, params string[] extraArgs)
    {
        var port = LoopbackPorts.Reserve();
        var process = LocalProcess.Start(
            "webhook-robustness",
            RepositoryPaths.PublishedBinary(RepositoryPaths.WebhookBinary),
            ["--tls-cert-file", certFile, "--tls-private-key-file", keyFile, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", .. extraArgs],
            new Dictionary<string, string> { ["HOME"] = workDirectory, ["SINGLE_ACTIVE_IMAGE"] = "registry.example/single-active:robustness" },
            Path.Combine(workDirectory, "webhook.log"),
            registry: null);
        var webhook = new WebhookUnderTest(process, port, trusted);
        using var client = webhook.CreateClient(keepAlive: false);
        await Eventually.UntilAsync(
            async () =>
            {
                Assert.False(process.HasExited, "the webhook exited during start-up:\n" + process.ReadLog());
                try
                {
                    using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/readyz"));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "the webhook's /readyz");
        return webhook;
    }

    /// <summary>An HTTP/1.1 client trusting exactly <see cref="Trusted"/>; without keep-alive every request is a new TLS handshake.</summary>
    public HttpClient CreateClient(bool keepAlive, TimeSpan? connectionLifetime = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = TrustPolicy() },
            PooledConnectionLifetime = connectionLifetime ?? Timeout.InfiniteTimeSpan,
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10), DefaultRequestVersion = HttpVersion.Version11 };
        if (!keepAlive)
        {
            client.DefaultRequestHeaders.ConnectionClose = true;
        }

        return client;
    }

    /// <summary>Opens a fresh TLS connection and returns the certificate the server presents on it.</summary>
    public async Task<X509Certificate2> PresentedCertificateAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }

    /// <summary>A TLS connection to the server, authenticated, nothing sent yet.</summary>
    public async Task<(TcpClient Tcp, SslStream Ssl)> ConnectAsync()
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        });
        return (tcp, ssl);
    }

    public static StringContent ReviewContent() => new(PodReview, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await this.process.StopAsync(TimeSpan.FromSeconds(10));
        await this.process.DisposeAsync();
    }

    private X509ChainPolicy TrustPolicy()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(Trusted);
        return policy;
    }
}

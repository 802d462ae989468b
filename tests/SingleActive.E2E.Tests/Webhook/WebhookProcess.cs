using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Webhook;

/// <summary>
/// The published webhook as a local process, serving HTTPS on 127.0.0.1 with a certificate from its
/// own <c>certs</c> subcommand, authenticated to the API server as its deploy/ ServiceAccount (so its
/// least-privilege ClusterRole is what is tested), and registered from deploy/overlays/local with the
/// real URL and caBundle. A <see cref="WebhookVariant"/> other than the default runs with its own
/// settings and a registration scoped to the namespaces it is given (<see cref="ServeNamespaceAsync"/>).
/// </summary>
public sealed class WebhookProcess(ControlPlaneFixture controlPlane, WebhookVariant? variant = null) : IAsyncDisposable
{
    public const string SystemNamespace = "single-active-system";
    public const string ServiceAccountName = "single-active-webhook";
    private readonly WebhookVariant variant = variant ?? WebhookVariant.Default;
    private readonly string directory = (variant ?? WebhookVariant.Default).IsDefault
        ? Path.Combine(controlPlane.Directory, "webhook")
        : Path.Combine(controlPlane.Directory, "webhook", variant!.Name);
    private LocalProcess? process;
    private bool registered;

    public int Port { get; } = LoopbackPorts.Reserve();

    public string Url => $"https://127.0.0.1:{Port}";

    public string CertificateDirectory => Path.Combine(directory, "certs");

    public bool IsRunning => this.process is { HasExited: false };

    public string LogFile => Path.Combine(directory, "webhook.log");

    public WebhookVariant Variant => this.variant;

    public async Task StartAsync()
    {
        var binary = RepositoryPaths.PublishedBinary(RepositoryPaths.WebhookBinary);
        if (!File.Exists(Path.Combine(CertificateDirectory, "ca.crt")))
        {
            await CreateCertificatesAsync(binary);
        }

        if (!this.registered)
        {
            var ca = Path.Combine(CertificateDirectory, "ca.crt");
            if (this.variant.IsDefault)
            {
                await WebhookRegistration.ApplyAsync(controlPlane, $"{Url}/mutate", ca);
            }
            else
            {
                await WebhookRegistration.ApplyScopedAsync(controlPlane, this.variant, $"{Url}/mutate", ca);
            }

            this.registered = true;
        }

        var kubeconfig = await WriteKubeconfigAsync();
        var environment = new Dictionary<string, string>(this.variant.Settings)
        {
            ["KUBECONFIG"] = kubeconfig,
            ["HOME"] = directory,
            ["SINGLE_ACTIVE_IMAGE"] = "registry.example/single-active:e2e",
        };
        this.process = LocalProcess.Start(
            this.variant.IsDefault ? "webhook" : "webhook-" + this.variant.Name,
            binary,
            [
                "--tls-cert-file", Path.Combine(CertificateDirectory, "tls.crt"),
                "--tls-private-key-file", Path.Combine(CertificateDirectory, "tls.key"),
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--shutdown-delay", "00:00:00",
            ],
            environment,
            LogFile,
            controlPlane.Processes);
        await WaitUntilServingAsync();
        if (this.variant.IsDefault)
        {
            await WebhookRegistration.WaitUntilCalledAsync(controlPlane);
        }

        controlPlane.Log($"webhook {this.variant.Name} serving at {Url} (pid {this.process.Pid})");
    }

    /// <summary>
    /// Makes this variant the webhook of namespace <paramref name="ns"/>: labelled for its registration and
    /// opted out of the default one, then waits until the API server calls it there.
    /// </summary>
    public async Task ServeNamespaceAsync(string ns)
    {
        if (this.variant.IsDefault)
        {
            return;
        }

        var labels = new Dictionary<string, string> { [WebhookVariant.NamespaceLabel] = this.variant.Name, ["single-active.io/injection"] = "disabled" };
        await controlPlane.Client.CoreV1.PatchNamespaceAsync(
            new V1Patch(new V1Namespace { Metadata = new V1ObjectMeta { Labels = labels } }, V1Patch.PatchType.MergePatch), ns);
        await WebhookRegistration.WaitUntilCalledAsync(controlPlane, ns);
    }

    /// <summary>SIGTERM, as when its pod is deleted; the registration stays (so the API server fails closed).</summary>
    public async Task StopAsync()
    {
        if (this.process is not null)
        {
            await this.process.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public async ValueTask DisposeAsync()
    {
        if (this.process is not null)
        {
            await this.process.StopAsync(TimeSpan.FromSeconds(10));
            await this.process.DisposeAsync();
        }
    }

    private async Task CreateCertificatesAsync(string binary)
    {
        var (exit, stdout, stderr) = await ExternalCommand.RunAsync(binary, ["certs", "--out", CertificateDirectory, "--ip", "127.0.0.1", "--dns", "localhost"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"single-active-webhook certs failed (exit {exit}): {stderr}{stdout}");
        }
    }

    /// <summary>A TokenRequest token for the webhook's own ServiceAccount from deploy/.</summary>
    private async Task<string> WriteKubeconfigAsync()
    {
        var token = await controlPlane.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 4 * 3600 } },
            ServiceAccountName,
            SystemNamespace);
        return await KubeconfigFile.WriteAsync(
            Path.Combine(directory, "kubeconfig"), controlPlane.ApiServerUrl, controlPlane.ApiServerCaFile,
            $"system:serviceaccount:{SystemNamespace}:{ServiceAccountName}", token.Status.Token, SystemNamespace);
    }

    private async Task WaitUntilServingAsync()
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(Path.Combine(CertificateDirectory, "ca.crt"));
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Trust exactly the CA the API server trusts (caBundle), nothing from the system store.
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca[0] },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(
            async () =>
            {
                if (this.process!.HasExited)
                {
                    throw new InvalidOperationException($"the webhook exited with {this.process.Exited.Result}:\n{ReadLog()}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri($"{Url}/readyz"));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            $"the webhook's {Url}/readyz (log: {LogFile})");
    }
}

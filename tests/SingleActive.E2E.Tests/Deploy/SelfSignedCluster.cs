using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// An isolated stage for the self-signed mode on the shared control plane: its own namespace, a
/// MutatingWebhookConfiguration of its own (never called: it selects no namespace), and the self-signed
/// overlay's RBAC bound to a ServiceAccount whose token the webhook processes use, so the overlay's
/// rules are proven sufficient. Nothing here touches the configuration the e2e scenarios use.
/// </summary>
public sealed class SelfSignedCluster : IAsyncDisposable
{
    public const string SecretName = "single-active-webhook-tls";
    public const string ServiceName = "single-active-webhook";
    public const string LeaseName = "single-active-webhook-certs";
    private const string OverlayNamespace = "single-active-system";
    private const string OverlayConfiguration = "single-active-webhook";
    private readonly ControlPlaneFixture cluster;
    private readonly List<LocalProcess> processes = [];
    private readonly List<string> clusterScoped = [];

    private SelfSignedCluster(ControlPlaneFixture cluster, string ns, string configuration, string workDirectory)
    {
        this.cluster = cluster;
        Namespace = ns;
        Configuration = configuration;
        WorkDirectory = workDirectory;
    }

    public string Namespace { get; }

    public string Configuration { get; }

    public string WorkDirectory { get; }

    public string KubeconfigPath => Path.Combine(WorkDirectory, "kubeconfig");

    public IKubernetes Client => this.cluster.Client;

    public static async Task<SelfSignedCluster> CreateAsync(ControlPlaneFixture cluster)
    {
        var ns = await cluster.CreateNamespaceAsync("self-signed");
        var stage = new SelfSignedCluster(cluster, ns, $"self-signed-test-{ns}", Path.Combine(Path.GetTempPath(), "single-active-" + ns));
        Directory.CreateDirectory(stage.WorkDirectory);
        await stage.InstallAsync();
        return stage;
    }

    /// <summary>Starts one webhook replica in self-signed mode with <paramref name="extraArgs"/>.</summary>
    public LocalProcess StartReplica(string name, int port, params string[] extraArgs)
    {
        var binary = RepositoryPaths.PublishedBinary(RepositoryPaths.WebhookBinary);
        string[] args =
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--self-signed-secret", SecretName, "--webhook-config", Configuration, "--service", ServiceName, "--namespace", Namespace,
            .. extraArgs,
        ];
        var process = LocalProcess.Start(
            $"self-signed-{name}", binary, args,
            new Dictionary<string, string> { ["KUBECONFIG"] = KubeconfigPath, ["POD_NAME"] = name, ["HOME"] = WorkDirectory },
            Path.Combine(WorkDirectory, name + ".log"), this.cluster.Processes);
        this.processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in this.processes)
        {
            await process.DisposeAsync();
        }

        foreach (var resource in clusterScoped)
        {
            await this.cluster.KubectlAsync("delete", resource, "--ignore-not-found");
        }

        await this.cluster.KubectlAsync("delete", "namespace", Namespace, "--wait=false");
        if (Environment.GetEnvironmentVariable("SINGLE_ACTIVE_E2E_KEEP") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Temp files only.
        }
    }

    private async Task InstallAsync()
    {
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(
            new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = ServiceName, NamespaceProperty = Namespace } }, Namespace);

        // The overlay's own RBAC objects, moved to this namespace and this configuration.
        var rbac = YamlJson.ParseDocuments(await File.ReadAllTextAsync(Path.Combine(Kustomize.DeployDir("overlays/self-signed"), "rbac-self-signed.yaml")));
        foreach (var o in rbac)
        {
            var json = o.ToJsonString()
                .Replace($"\"{OverlayNamespace}\"", $"\"{Namespace}\"", StringComparison.Ordinal)
                .Replace($"\"resourceNames\":[\"{OverlayConfiguration}\"]", $"\"resourceNames\":[\"{Configuration}\"]", StringComparison.Ordinal);
            var moved = (JsonObject)JsonNode.Parse(json)!;
            if (moved["metadata"]!["namespace"] is null)
            {
                moved["metadata"]!["name"] = $"{moved["metadata"]!["name"]}-{Namespace}";
                if (moved["roleRef"] is JsonObject roleRef && (string?)roleRef["kind"] == "ClusterRole")
                {
                    roleRef["name"] = $"{roleRef["name"]}-{Namespace}";
                }

                clusterScoped.Add($"{((string)moved["kind"]!).ToLowerInvariant()}.rbac.authorization.k8s.io/{moved["metadata"]!["name"]}");
            }

            var (exit, _, stderr) = await this.cluster.KubectlWithInputAsync(moved.ToJsonString(), "apply", "-f", "-");
            Assert.True(exit == 0, $"applying {Kustomize.Describe(moved)} failed: {stderr}");
        }

        // Never called: it selects only namespaces with a label nobody sets.
        var configuration = new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = "MutatingWebhookConfiguration",
            ["metadata"] = new JsonObject { ["name"] = Configuration },
            ["webhooks"] = new JsonArray(
                Webhook("pods.single-active.io", "pods"),
                Webhook("workloads.single-active.io", "deployments")),
        };
        clusterScoped.Add($"mutatingwebhookconfiguration.admissionregistration.k8s.io/{Configuration}");
        var (applied, _, error) = await this.cluster.KubectlWithInputAsync(configuration.ToJsonString(), "apply", "-f", "-");
        Assert.True(applied == 0, $"creating {Configuration} failed: {error}");

        var (tokenExit, token, tokenErr) = await this.cluster.KubectlAsync("create", "token", ServiceName, "-n", Namespace, "--duration=1h");
        Assert.True(tokenExit == 0, $"kubectl create token failed: {tokenErr}");
        // The Aot client trusts only a CA-only bundle (apiserver.crt also holds the leaf).
        var caOnly = Path.Combine(WorkDirectory, "api-ca.crt");
        await File.WriteAllTextAsync(caOnly, LastCertificate(await File.ReadAllTextAsync(this.cluster.ApiServerCaFile)));
        await KubeconfigFile.WriteAsync(KubeconfigPath, this.cluster.ApiServerUrl, caOnly, ServiceName, token.Trim(), Namespace);
    }

    private static JsonObject Webhook(string name, string resource) => new()
    {
        ["name"] = name,
        ["admissionReviewVersions"] = new JsonArray("v1"),
        ["sideEffects"] = "None",
        ["failurePolicy"] = "Ignore",
        ["timeoutSeconds"] = 1,
        ["clientConfig"] = new JsonObject { ["url"] = "https://127.0.0.1:9/mutate" },
        ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["single-active.io/self-signed-test"] = "never" } },
        ["rules"] = new JsonArray(new JsonObject
        {
            ["apiGroups"] = new JsonArray(resource == "pods" ? "" : "apps"),
            ["apiVersions"] = new JsonArray("v1"),
            ["operations"] = new JsonArray("CREATE"),
            ["resources"] = new JsonArray(resource),
        }),
    };

    private static string LastCertificate(string pem)
    {
        const string Begin = "-----BEGIN CERTIFICATE-----";
        return pem[pem.LastIndexOf(Begin, StringComparison.Ordinal)..];
    }
}

using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Kubelet.Network;
using SingleActive.E2E.Tests.Support;
using SingleActive.E2E.Tests.Webhook;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SingleActive.E2E.Tests.ControlPlane;

/// <summary>
/// A real etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback, started by
/// tests/envtest/control-plane.sh for the whole collection and stopped by pid at the end (also when
/// start-up fails). The webhook process and the process kubelet are started on first use and shared.
/// </summary>
public sealed class ControlPlaneFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private readonly SemaphoreSlim startGate = new(1, 1);
    private Kubernetes? client;
    private readonly Dictionary<string, WebhookProcess> webhooks = [];
    private ProcessNodes? nodes;

    /// <summary>Holds kubeconfig, logs, etcd data and the pid files of this run.</summary>
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "single-active-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public string ApiServerUrl { get; private set; } = "";

    /// <summary>The API server's serving CA (PEM), for kubeconfigs the harness writes.</summary>
    public string ApiServerCaFile { get; private set; } = "";

    public IKubernetes Client => client ?? throw new InvalidOperationException("the control plane is not running");

    public ChildProcessRegistry Processes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Processes = new ChildProcessRegistry(Path.Combine(Directory, "children.pids"));
        try
        {
            var environment = new Dictionary<string, string>
            {
                [ControlPlaneFiles.ControlPlaneBinVariable] = await ControlPlaneFiles.ResolveBinariesAsync(),
                ["SINGLE_ACTIVE_OWNER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Its kubelet stand-ins heartbeat as kubelets do: nodes that stop are handled as on a real cluster.
                ["SINGLE_ACTIVE_NODE_LIFECYCLE"] = "on",
                ["SINGLE_ACTIVE_SERVICE_CIDR"] = IpFamilies == PodIpFamilies.DualStack ? "10.0.0.0/24,fd5a:5a:96::/112" : "fd5a:5a:96::/112",
            };
            var (exit, stdout, stderr) = await ExternalCommand.RunAsync(
                RepositoryPaths.ControlPlaneScript, ["start", Directory], environment, timeout: TimeSpan.FromMinutes(4));
            if (exit != 0)
            {
                throw new InvalidOperationException($"tests/envtest/control-plane.sh start failed (exit {exit}):\n{stderr}\n{stdout}");
            }

            var env = File.ReadAllLines(Path.Combine(Directory, "env"))
                .Select(line => line.Split('=', 2))
                .ToDictionary(parts => parts[0], parts => parts[1]);
            ApiServerUrl = env["SINGLE_ACTIVE_API_SERVER"];
            ApiServerCaFile = env["SINGLE_ACTIVE_API_CA"];
            client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
            Log($"control plane ready at {ApiServerUrl} ({Directory})");
        }
        catch
        {
            await StopControlPlaneAsync();
            throw;
        }
    }

    /// <summary>Runs kubectl against this control plane (KUBECONFIG set, nothing else inherited from a user's config).</summary>
    public (int ExitCode, string StdOut, string StdErr) Kubectl(params string[] args) =>
        Task.Run(() => KubectlAsync(args)).GetAwaiter().GetResult();

    public Task<(int ExitCode, string StdOut, string StdErr)> KubectlAsync(params string[] args) =>
        KubectlWithInputAsync(null, args);

    /// <summary>kubectl with <paramref name="standardInput"/> piped in, e.g. <c>apply -f -</c>.</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> KubectlWithInputAsync(string? standardInput, params string[] args) =>
        ExternalCommand.RunAsync("kubectl", args, new Dictionary<string, string> { ["KUBECONFIG"] = KubeconfigPath }, standardInput, TimeSpan.FromMinutes(3));

    /// <summary>
    /// A fresh namespace (name: prefix + random suffix) whose <c>default</c> ServiceAccount exists and has its
    /// token Secret, so pods can be created at once: this 1.20 server answers a pod of an account without
    /// one with 500 "No API token found … retry".
    /// </summary>
    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..5]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        await Eventually.SucceedsAsync(
            async () =>
            {
                var account = await Client.CoreV1.ReadNamespacedServiceAccountAsync("default", name);
                if (account.Secrets is not { Count: > 0 })
                {
                    throw new InvalidOperationException("no token Secret yet");
                }

                return account;
            },
            TimeSpan.FromSeconds(30),
            $"the default ServiceAccount of namespace {name} with its token Secret");
        return name;
    }

    /// <summary>
    /// The webhook, running and registered (started on first use). A <paramref name="variant"/> runs beside
    /// the default one (started first: it installs the RBAC both use) and serves only namespaces it is given.
    /// </summary>
    public async Task<WebhookProcess> GetWebhookAsync(WebhookVariant? variant = null)
    {
        variant ??= WebhookVariant.Default;
        if (!variant.IsDefault)
        {
            await GetWebhookAsync();
        }

        await startGate.WaitAsync();
        try
        {
            if (!webhooks.TryGetValue(variant.Name, out var webhook) || !webhook.IsRunning)
            {
                webhook ??= webhooks[variant.Name] = new WebhookProcess(this, variant);
                await webhook.StartAsync();
            }

            return webhook;
        }
        finally
        {
            startGate.Release();
        }
    }

    /// <summary>How many nodes the process kubelets register.</summary>
    public const int NodeCount = 3;

    /// <summary>The pods' address families in this run (<see cref="PodIpFamiliesSetting"/>).</summary>
    public PodIpFamilies IpFamilies { get; } = PodIpFamiliesSetting.FromEnvironment();

    /// <summary>The nodes: <see cref="NodeCount"/> process kubelets on one pod network (started on first use).</summary>
    public async Task<ProcessNodes> GetNodesAsync()
    {
        await startGate.WaitAsync();
        try
        {
            this.nodes ??= await ProcessNodes.StartAsync(
                Client, KubeconfigPath, new Uri(ApiServerUrl), Path.Combine(Directory, "kubelet"), IpFamilies, NodeCount, Processes, Log);
            return this.nodes;
        }
        finally
        {
            startGate.Release();
        }
    }

    public void Log(string message) => diagnostics.OnMessage(new DiagnosticMessage("[e2e] " + message));

    public async Task DisposeAsync()
    {
        try
        {
            if (this.nodes is not null)
            {
                await this.nodes.DisposeAsync();
            }

            foreach (var webhook in webhooks.Values)
            {
                await webhook.DisposeAsync();
            }
        }
        finally
        {
            client?.Dispose();
            await StopControlPlaneAsync();
        }
    }

    private async Task StopControlPlaneAsync()
    {
        await ExternalCommand.RunAsync(RepositoryPaths.ControlPlaneScript, ["stop", Directory], timeout: TimeSpan.FromMinutes(1));
        var problem = ControlPlaneFiles.CopyLogs(Directory);
        if (problem is not null)
        {
            Log(problem);
        }

        if (Environment.GetEnvironmentVariable("SINGLE_ACTIVE_E2E_KEEP") != "1")
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temp directory.
            }
        }
    }
}

using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Support;
using SingleActive.E2E.Tests.Webhook;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// One scenario's world: the shared control plane with the webhook registered and the process
/// kubelets running, and a fresh namespace that is deleted afterwards (its pods are then stopped by
/// the kubelet like any deleted pod).
/// </summary>
internal sealed class Scenario : IAsyncDisposable
{
    private Scenario(ControlPlaneFixture cluster, ITestOutputHelper output, WebhookProcess webhook, ProcessNodes nodes, string ns)
    {
        Cluster = cluster;
        Output = output;
        Webhook = webhook;
        Nodes = nodes;
        Namespace = ns;
    }

    public ControlPlaneFixture Cluster { get; }

    public ITestOutputHelper Output { get; }

    public WebhookProcess Webhook { get; }

    /// <summary>The process kubelets that run the pods.</summary>
    public ProcessNodes Nodes { get; }

    public string Namespace { get; }

    public IKubernetes Client => Cluster.Client;

    /// <param name="webhook">The webhook that serves the namespace; null for the default one.</param>
    public static async Task<Scenario> StartAsync(ControlPlaneFixture cluster, ITestOutputHelper output, string prefix, WebhookVariant? webhook = null)
    {
        var process = await cluster.GetWebhookAsync(webhook);
        var nodes = await cluster.GetNodesAsync();
        var ns = await cluster.CreateNamespaceAsync(prefix);
        await process.ServeNamespaceAsync(ns);
        output.WriteLine($"namespace {ns}" + (process.Variant.IsDefault ? "" : $", served by webhook {process.Variant.Name}"));
        return new Scenario(cluster, output, process, nodes, ns);
    }

    /// <summary><c>kubectl apply -f -</c>; fails the test with kubectl's message.</summary>
    public async Task ApplyAsync(string yaml)
    {
        var (exit, stdout, stderr) = await Cluster.KubectlWithInputAsync(yaml, "apply", "-f", "-");
        Output.WriteLine($"$ kubectl apply -f -\n{stdout}{stderr}");
        Assert.True(exit == 0, $"kubectl apply failed: {stderr}\n{yaml}");
    }

    /// <summary>kubectl in this namespace; fails the test unless it succeeds.</summary>
    public async Task<string> KubectlAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await Cluster.KubectlAsync([.. args, "-n", Namespace]);
        Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} failed ({exit}): {stderr}{stdout}");
        return stdout;
    }

    /// <summary><c>kubectl single-active …</c> in this namespace: kubectl finds the published plugin on PATH, as for a user who installed it.</summary>
    public Task<(int ExitCode, string StdOut, string StdErr)> PluginAsync(params string[] args) =>
        ExternalCommand.RunAsync(
            "kubectl",
            ["single-active", .. args, "-n", Namespace, "--timeout", "20s"],
            new Dictionary<string, string>
            {
                ["KUBECONFIG"] = Cluster.KubeconfigPath,
                ["PATH"] = RepositoryPaths.PublishDir + ":" + Environment.GetEnvironmentVariable("PATH"),
            },
            timeout: TimeSpan.FromMinutes(1));

    public async Task<IList<V1Pod>> PodsAsync(string app) =>
        (await Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=" + app)).Items;

    /// <summary>Waits until <paramref name="count"/> pods of <paramref name="app"/> run on the process kubelet with their elector answering.</summary>
    public Task<IList<V1Pod>> WaitForRunningPodsAsync(string app, int count, TimeSpan timeout) =>
        Eventually.SucceedsAsync(
            async () =>
            {
                var pods = (await PodsAsync(app)).Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase == "Running").ToList();
                var withElector = pods.Count(p => Nodes.ElectorUrl(Namespace, p.Metadata.Name) is not null);
                return pods.Count == count && withElector == count
                    ? (IList<V1Pod>)pods
                    : throw new InvalidOperationException($"{pods.Count} running, {withElector} with an elector");
            },
            timeout,
            $"{count} running pods of {app} in {Namespace}");

    /// <summary>
    /// Waits until the Deployment controller has rolled out the current template to every replica and
    /// no pod of an older ReplicaSet is left (<c>kubectl get deployment</c>: UP-TO-DATE = replicas, no
    /// surplus). Unlike <c>kubectl rollout status</c> it does not also require every replica to be
    /// Ready, which readiness mode never has.
    /// </summary>
    public Task WaitForRolloutAsync(string deployment, TimeSpan timeout) =>
        Eventually.UntilAsync(
            async () =>
            {
                var d = await Client.AppsV1.ReadNamespacedDeploymentAsync(deployment, Namespace);
                var replicas = d.Spec.Replicas ?? 1;
                return d.Status.ObservedGeneration >= d.Metadata.Generation
                    && d.Status.UpdatedReplicas == replicas
                    && d.Status.Replicas == replicas
                    && (await PodsAsync(deployment)).Count == replicas;
            },
            timeout,
            $"deployment {Namespace}/{deployment} to have every replica updated and no old pod left");

    /// <summary>The pod names behind a Service's ready addresses, as <c>kubectl get endpoints -o json</c> shows them.</summary>
    public Task<IReadOnlyList<string>> EndpointAddressesAsync(string service) => Endpoints.KubectlAddressesAsync(Cluster, Namespace, service);

    /// <summary>Waits until the Service has exactly one ready address and returns that pod's name.</summary>
    public Task<string> WaitForSingleLeaderAsync(string service, TimeSpan timeout) =>
        Eventually.SucceedsAsync(
            async () =>
            {
                var addresses = await EndpointAddressesAsync(service);
                return addresses.Count == 1 ? addresses[0] : throw new InvalidOperationException($"{addresses.Count} addresses: {string.Join(", ", addresses)}");
            },
            timeout,
            $"exactly one address in the endpoints of {Namespace}/{service}");

    /// <summary>The holder of the Lease the elector uses (name from the injected env).</summary>
    public async Task<string?> LeaseHolderAsync(string leaseName)
    {
        var lease = await Client.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, Namespace);
        return lease.Spec?.HolderIdentity;
    }

    public static string? ElectorEnvValue(V1Pod pod, string name) =>
        pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? [])
            .FirstOrDefault(c => c.Name == ElectorHttp.ContainerName)?.Env?.FirstOrDefault(e => e.Name == name)?.Value;

    public async ValueTask DisposeAsync()
    {
        // Not waited for: the namespace controller deletes the pods and the kubelet stops them.
        await Cluster.KubectlAsync("delete", "namespace", Namespace, "--wait=false");
    }
}

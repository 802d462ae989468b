using System.Globalization;
using System.Net;
using k8s;
using SingleActive.E2E.Tests.Kubelet.Network;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// The cluster's nodes: one <see cref="PodNetwork"/> and several process kubelets on it, each with its own
/// link to the API server (so one node can be partitioned). The scheduler spreads pods over them; the
/// helpers here find a pod on whichever node runs it.
/// </summary>
public sealed class ProcessNodes : IAsyncDisposable
{
    private readonly List<ProcessKubelet> nodes;

    private ProcessNodes(PodNetwork network, List<ProcessKubelet> nodes)
    {
        Network = network;
        this.nodes = nodes;
    }

    public PodNetwork Network { get; }

    public IReadOnlyList<ProcessKubelet> Nodes => this.nodes;

    /// <summary>The first node's name (a pod pinned with <c>nodeName</c> runs there).</summary>
    public string NodeName => this.nodes[0].NodeName;

    /// <summary>An HttpClient that reaches pods by their pod IPs (from the nodes' side, as a kubelet does).</summary>
    public HttpClient Http => Network.Http;

    /// <param name="kubeconfig">The admin kubeconfig; each kubelet uses its credentials through its own link.</param>
    public static async Task<ProcessNodes> StartAsync(
        IKubernetes client, string kubeconfig, Uri apiServer, string workDirectory, PodIpFamilies families, int count, ChildProcessRegistry registry, Action<string> log)
    {
        var network = await PodNetwork.CreateAsync(families, log);
        var nodes = new List<ProcessKubelet>();
        try
        {
            var service = await client.CoreV1.ReadNamespacedServiceAsync("kubernetes", "default");
            var serviceAddresses = (service.Spec.ClusterIPs ?? [service.Spec.ClusterIP]).Select(IPAddress.Parse).ToList();
            var upstream = new IPEndPoint(IPAddress.Parse(apiServer.Host), apiServer.Port);
            for (var i = 1; i <= count; i++)
            {
                var link = TcpRelay.OnLoopback(apiServer.Port);
                var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
                configuration.Host = $"https://127.0.0.1:{link.Port.ToString(CultureInfo.InvariantCulture)}";
                var options = new ProcessKubeletOptions($"node-{i}", network.GatewayAddresses[0].ToString(), Path.Combine(workDirectory, $"node-{i}"));
                var kubelet = new ProcessKubelet(new Kubernetes(configuration), link, options, network, serviceAddresses, upstream, registry, log);
                nodes.Add(kubelet);
                await kubelet.StartAsync();
            }

            return new ProcessNodes(network, nodes);
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node that runs the pod, or null.</summary>
    public ProcessKubelet? NodeOf(string ns, string pod) => this.nodes.FirstOrDefault(n => n.IsRunning(ns, pod));

    public ProcessKubelet Node(string name) => this.nodes.Single(n => n.NodeName == name);

    /// <summary>The elector's address in a running pod (reach it through <see cref="Http"/>), or null.</summary>
    public Uri? ElectorUrl(string ns, string pod) => NodeOf(ns, pod)?.ElectorUrl(ns, pod);

    /// <summary>Turns a pod's app containers (or one of them) ready or unready, as if the app's health changed.</summary>
    public void SetAppReady(string ns, string pod, bool ready, string? container = null) =>
        (NodeOf(ns, pod) ?? throw new InvalidOperationException($"pod {ns}/{pod} runs on no node")).SetAppReady(ns, pod, ready, container);

    /// <summary>Restarts one container of a running pod as after a failed liveness probe (SIGTERM first; the pod stays).</summary>
    public Task RestartContainerAsync(string ns, string pod, string container) =>
        (NodeOf(ns, pod) ?? throw new InvalidOperationException($"pod {ns}/{pod} runs on no node")).RestartContainerAsync(ns, pod, container);

    public bool IsRunning(string ns, string pod) => NodeOf(ns, pod) is not null;

    /// <summary>What the kubelets did to a pod's containers and saw them do, in order.</summary>
    public IReadOnlyList<ContainerEvent> ContainerEvents(string ns, string pod) =>
        this.nodes.Select(n => n.ContainerEvents(ns, pod)).FirstOrDefault(events => events.Count > 0) ?? [];

    /// <summary>The path of a pod's container log on whichever node ran it (see <see cref="ProcessKubelet.ContainerLogPath"/>), or null.</summary>
    public string? ContainerLogPath(string ns, string pod, string container) =>
        this.nodes.Select(n => n.ContainerLogPath(ns, pod, container)).FirstOrDefault(path => path is not null);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in this.nodes)
        {
            await node.DisposeAsync();
        }

        await Network.DisposeAsync();
    }
}

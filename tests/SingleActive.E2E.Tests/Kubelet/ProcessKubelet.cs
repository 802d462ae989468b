using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.E2E.Tests.Kubelet.Network;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// A test double for the one part of Kubernetes this machine cannot run: a node's kubelet. It registers
/// a Ready Node and runs every pod the real scheduler binds to it, each in its own network namespace
/// with its pod IPs (<see cref="PodNetwork"/>): the elector as the project's own published binary with
/// nothing but what the pod spec and a kubelet give it (env incl. the kubernetes Service's variables,
/// the projected service-account token of the pod's final ServiceAccount mounted where in-cluster
/// clients look), app containers whose command is a host binary as real processes, other app
/// containers as a real HTTP server (<see cref="AppServer"/>). It runs the rendered probes against the
/// pod IP as a kubelet does, honours restart policies, native sidecars and their start and stop order,
/// and reports status the endpoints and Job controllers act on.
/// <para>
/// Its own API connection and those of its pods go through relays a test can freeze:
/// <see cref="Partition"/> cuts the whole node off the control plane while its processes keep running.
/// </para>
/// </summary>
public sealed class ProcessKubelet : IAsyncDisposable
{
    /// <summary>The <c>kubernetes</c> Service's port, where containers reach the API server.</summary>
    private const int ApiServicePort = 443;

    private readonly IKubernetes client;
    private readonly TcpRelay link;
    private readonly NodeContext node;
    private readonly IReadOnlyList<IPAddress> apiServiceAddresses;
    private readonly IPEndPoint apiServer;
    private readonly NodeAgent agent;
    private readonly ConcurrentDictionary<string, PodWorker> workers = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), IReadOnlyList<ContainerEvent>> gonePods = new();
    private readonly CancellationTokenSource stop = new();
    private Task loops = Task.CompletedTask;
    private volatile bool partitioned;

    /// <param name="client">The kubelet's API client; its connections must go through <paramref name="link"/>.</param>
    /// <param name="link">The node's own link to the API server (frozen by <see cref="Partition"/>).</param>
    /// <param name="apiServiceAddresses">The kubernetes Service's cluster IPs: pods reach the API server there (port 443).</param>
    /// <param name="apiServer">The API server's real address (loopback).</param>
    public ProcessKubelet(
        IKubernetes client, TcpRelay link, ProcessKubeletOptions options, PodNetwork network,
        IReadOnlyList<IPAddress> apiServiceAddresses, IPEndPoint apiServer, ChildProcessRegistry registry, Action<string> log)
    {
        this.client = client;
        this.link = link;
        this.apiServiceAddresses = apiServiceAddresses;
        this.apiServer = apiServer;
        this.node = new NodeContext(client, options, network, ServiceVariables(apiServiceAddresses[0]), registry, log);
        agent = new NodeAgent(client, options, log);
    }

    public string NodeName => this.node.Options.NodeName;

    /// <summary>Cut off from the control plane (see <see cref="Partition"/>).</summary>
    public bool IsPartitioned => this.partitioned;

    public async Task StartAsync()
    {
        Directory.CreateDirectory(this.node.Options.WorkDirectory);
        await agent.RegisterAsync(this.stop.Token);
        loops = Task.WhenAll(agent.RunHeartbeatAsync(this.stop.Token).ContinueWith(_ => { }, TaskScheduler.Default), WatchPodsAsync(this.stop.Token));
    }

    /// <summary>
    /// A network partition of this node from the control plane: the kubelet's own connection (status,
    /// heartbeats, its pod watch) and every API connection of its pods, open or new, stop relaying without
    /// being closed. The processes keep running and the pod network keeps working (their HTTP endpoints
    /// answer, the kubelet keeps probing): only the control plane is out of reach.
    /// </summary>
    public void Partition()
    {
        this.partitioned = true;
        this.link.Freeze();
        foreach (var worker in workers.Values)
        {
            worker.Api.Freeze();
        }

        this.node.Log($"node {NodeName}: partitioned from the control plane");
    }

    /// <summary>Ends <see cref="Partition"/>: held connections relay again, as after a healed network.</summary>
    public void Heal()
    {
        this.partitioned = false;
        foreach (var worker in workers.Values)
        {
            worker.Api.Thaw();
        }

        this.link.Thaw();
        this.node.Log($"node {NodeName}: connected to the control plane again");
    }

    /// <summary>
    /// The kubelet stops reporting while its pods run on, as when a real kubelet hangs, is stopped, or loses its own
    /// connection (an expired client certificate): its connection to the API server (status, heartbeats, its pod watch),
    /// open or new, stops relaying without being closed; the pods' own API connections, the pod network and the probes
    /// keep working. Once the node lifecycle controller's grace period has passed without a heartbeat, the node is
    /// Unknown, tainted <c>node.kubernetes.io/unreachable</c>, and its pods are marked not ready.
    /// </summary>
    public void StopReporting()
    {
        this.link.Freeze();
        this.node.Log($"node {NodeName}: the kubelet stopped reporting (its own API connection frozen; the pods' work)");
    }

    /// <summary>Ends <see cref="StopReporting"/>: the kubelet's held connection relays again.</summary>
    public void ResumeReporting()
    {
        this.link.Thaw();
        this.node.Log($"node {NodeName}: the kubelet reports again");
    }

    /// <summary>A running pod's API connections (to freeze them), or null.</summary>
    public TcpRelay? PodApiConnections(string ns, string pod) => Find(ns, pod)?.Api;

    /// <summary>A running pod's network namespace (to look at the pod from inside), or null.</summary>
    public NetworkNamespace? PodNetworkNamespace(string ns, string pod) => Find(ns, pod)?.Sandbox.Namespace;

    /// <summary>A running pod's primary IP, or null.</summary>
    public IPAddress? PodIp(string ns, string pod) => Find(ns, pod)?.PodIp;

    /// <summary>The elector's address in a running pod (its /status; reach it through <see cref="PodNetwork.Http"/>), or null.</summary>
    public Uri? ElectorUrl(string ns, string pod) => Find(ns, pod)?.ElectorUrl;

    /// <summary>Turns a pod's app containers (or one of them) ready or unready, as if the app's health changed.</summary>
    public void SetAppReady(string ns, string pod, bool ready, string? container = null) =>
        (Find(ns, pod) ?? throw new InvalidOperationException($"pod {ns}/{pod} is not running on {NodeName}")).SetAppReady(container, ready);

    /// <summary>Restarts one container of a running pod as after a failed liveness probe (SIGTERM first; the pod stays).</summary>
    public Task RestartContainerAsync(string ns, string pod, string container) =>
        (Find(ns, pod) ?? throw new InvalidOperationException($"pod {ns}/{pod} is not running on {NodeName}")).RestartContainerAsync(container);

    public bool IsRunning(string ns, string pod) => Find(ns, pod) is { HasTerminated: false };

    /// <summary>What this kubelet did to a pod's containers and saw them do, in order (also once the pod is gone; empty for a pod it never ran).</summary>
    public IReadOnlyList<ContainerEvent> ContainerEvents(string ns, string pod) =>
        Find(ns, pod)?.Events ?? (gonePods.TryGetValue((ns, pod), out var events) ? events : []);

    /// <summary>
    /// The path of a pod's container log as this kubelet kept it (also once the pod is gone: pod directories are kept
    /// until the run ends), or null when it never ran that container. The newest when pods of that name ran more than once.
    /// </summary>
    public string? ContainerLogPath(string ns, string pod, string container)
    {
        var directory = Path.Combine(this.node.Options.WorkDirectory, ns);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        // PodWorker names a pod's directory "<name>-<first 8 characters of its uid>".
        return Directory.EnumerateDirectories(directory, pod + "-*")
            .Where(d => Path.GetFileName(d).Length == pod.Length + 9)
            .Select(d => Path.Combine(d, container + ".log"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync();
        try
        {
            await loops;
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var worker in workers.Values)
        {
            await worker.DisposeAsync();
        }

        workers.Clear();
        await this.link.DisposeAsync();
        this.stop.Dispose();
    }

    private PodWorker? Find(string ns, string pod) =>
        workers.Values.FirstOrDefault(w => w.Namespace == ns && w.Name == pod);

    private async Task WatchPodsAsync(CancellationToken cancellationToken)
    {
        var selector = "spec.nodeName=" + NodeName;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await this.client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector, cancellationToken: cancellationToken);
                foreach (var pod in list.Items)
                {
                    await ReconcileAsync(WatchEventType.Modified, pod);
                }

                foreach (var gone in workers.Keys.Except(list.Items.Select(p => p.Metadata.Uid)).ToList())
                {
                    await ReconcileAsync(WatchEventType.Deleted, null, gone);
                }

                await foreach (var (type, pod) in this.client.CoreV1.WatchListPodForAllNamespacesAsync(
                    fieldSelector: selector, resourceVersion: list.Metadata.ResourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300, cancellationToken: cancellationToken))
                {
                    await ReconcileAsync(type, pod);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or KubernetesException or OperationCanceledException)
            {
                this.node.Log($"kubelet {NodeName}: pod watch ended ({exception.Message}); re-listing");
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private async Task ReconcileAsync(WatchEventType type, V1Pod? pod, string? uid = null)
    {
        if (type is WatchEventType.Bookmark or WatchEventType.Error)
        {
            return;
        }

        uid ??= pod!.Metadata.Uid;
        if (type == WatchEventType.Deleted)
        {
            if (workers.TryRemove(uid, out var removed))
            {
                gonePods[(removed.Namespace, removed.Name)] = removed.Events;
                await removed.DisposeAsync();
            }

            return;
        }

        if (workers.TryGetValue(uid, out var worker))
        {
            worker.Observe(pod!);
            return;
        }

        if (pod!.Metadata.DeletionTimestamp is not null)
        {
            // Deleted before it ever ran here, or finished before this kubelet started: nothing to stop.
            await DeleteNowAsync(pod);
            return;
        }

        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return;
        }

        var sandbox = await this.node.Network.CreateSandboxAsync(this.apiServiceAddresses);
        var api = new TcpRelay(
            sandbox.Namespace.Inside(() => ListenOn(new IPEndPoint(this.apiServiceAddresses[0], ApiServicePort))), this.apiServer);
        if (this.partitioned)
        {
            api.Freeze();
        }

        worker = new PodWorker(this.node, sandbox, api, pod);
        workers[uid] = worker;
        this.node.Log($"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}: starting on {NodeName} (IPs {string.Join(", ", sandbox.PodIps)})");
        _ = StartWorkerAsync(worker);
    }

    /// <summary>The variables a kubelet gives every container for the <c>kubernetes</c> Service (docker-links style).</summary>
    private static Dictionary<string, string> ServiceVariables(IPAddress address)
    {
        var host = address.ToString();
        var url = $"tcp://{(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host)}:{ApiServicePort}";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["KUBERNETES_SERVICE_HOST"] = host,
            ["KUBERNETES_SERVICE_PORT"] = "443",
            ["KUBERNETES_SERVICE_PORT_HTTPS"] = "443",
            ["KUBERNETES_PORT"] = url,
            ["KUBERNETES_PORT_443_TCP"] = url,
            ["KUBERNETES_PORT_443_TCP_PROTO"] = "tcp",
            ["KUBERNETES_PORT_443_TCP_PORT"] = "443",
            ["KUBERNETES_PORT_443_TCP_ADDR"] = host,
        };
    }

    private static Socket ListenOn(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endPoint);
        socket.Listen(128);
        return socket;
    }

    private async Task StartWorkerAsync(PodWorker worker)
    {
        try
        {
            await worker.StartAsync();
        }
        catch (Exception exception)
        {
            this.node.Log($"pod {worker.Namespace}/{worker.Name}: failed to start: {exception}");
        }
    }

    private async Task DeleteNowAsync(V1Pod pod)
    {
        try
        {
            await this.client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, new V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid },
            });
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
        }
    }
}

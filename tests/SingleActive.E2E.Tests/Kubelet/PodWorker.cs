using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.E2E.Tests.Kubelet.Network;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Runs one pod bound to a process kubelet, inside its own network namespace (<see cref="PodSandbox"/>),
/// in a kubelet's order: volumes set up, native sidecars first (each started before the next), then the
/// regular containers; restarts exits as the restart policy
/// says; once every regular container of a run-to-completion pod has terminated, stops the native
/// sidecars (last first) and reports Succeeded or Failed, keeping the pod object. On deletion it
/// stops the app containers first and the native sidecars afterwards, last first (SIGTERM, grace
/// period, SIGKILL), then removes the pod object.
/// </summary>
internal sealed class PodWorker : IAsyncDisposable
{
    /// <summary>The kubelet's floor for a container's grace period (<c>minimumGracePeriodInSeconds</c>).</summary>
    private static readonly TimeSpan MinimumGracePeriod = TimeSpan.FromSeconds(2);

    private readonly IKubernetes client;
    private readonly NodeContext node;
    private readonly PodSandbox sandbox;
    private readonly PodAddresses addresses;
    private readonly Action<string> log;
    private readonly CancellationTokenSource lifetime = new();
    private readonly PodStatusReporter status;
    private readonly List<PodContainer> containers = [];
    private readonly List<ContainerEvent> events = [];
    private readonly Lock gate = new();
    private readonly string directory;
    private V1Pod pod;
    private Task? termination;
    private bool completing;
    private volatile bool terminating;

    /// <param name="api">Where the pod's containers reach the API server (the kubernetes Service's stand-in inside the pod).</param>
    public PodWorker(NodeContext node, PodSandbox sandbox, TcpRelay api, V1Pod pod)
    {
        client = node.Client;
        this.node = node;
        this.sandbox = sandbox;
        Api = api;
        this.log = node.Log;
        this.pod = pod;
        addresses = new PodAddresses(sandbox.PodIps.Select(ip => ip.ToString()).ToList(), node.Options.NodeAddress);
        this.directory = Path.Combine(node.Options.WorkDirectory, pod.Metadata.NamespaceProperty, $"{pod.Metadata.Name}-{pod.Metadata.Uid[..8]}");
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            this.containers.Add(new PodContainer(init, isInit: true, ContainerRules.IsNativeSidecar(pod, init), ContainerRules.HostExecutable(init)));
        }

        foreach (var container in pod.Spec.Containers)
        {
            this.containers.Add(new PodContainer(container, isInit: false, isNativeSidecar: false, ContainerRules.HostExecutable(container)));
        }

        this.status = new PodStatusReporter(client, pod, this.containers, addresses, () => this.terminating, this.log);
        this.status.Observe(pod.Status);
    }

    public string Namespace => this.pod.Metadata.NamespaceProperty;

    public string Name => this.pod.Metadata.Name;

    public IPAddress PodIp => this.sandbox.PodIp;

    public PodSandbox Sandbox => this.sandbox;

    /// <summary>Deleted and every container stopped (the pod object is being removed).</summary>
    public bool HasTerminated { get; private set; }

    /// <summary>The pod's API server connections (a test freezes them like a partition).</summary>
    public TcpRelay Api { get; }

    public IReadOnlyList<PodContainer> Containers => this.containers;

    /// <summary>What happened to the containers so far, in order.</summary>
    public IReadOnlyList<ContainerEvent> Events
    {
        get
        {
            lock (gate)
            {
                return [.. events];
            }
        }
    }

    /// <summary>The elector's HTTP address on the pod IP (its /status, /readyz; reach it through <see cref="PodNetwork.Http"/>), once it runs.</summary>
    public Uri? ElectorUrl =>
        this.containers.FirstOrDefault(c => c.IsElector) is { Running: true } elector
            ? new Uri($"http://{(PodIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{PodIp}]" : PodIp.ToString())}:{elector.ElectorPort()}")
            : null;

    private ProbeTarget Target => new(this.node.Network, PodIp);

    private TimeSpan TerminationGracePeriod => TimeSpan.FromSeconds(this.pod.Spec.TerminationGracePeriodSeconds ?? 30);

    public async Task StartAsync()
    {
        var now = DateTime.UtcNow;
        foreach (var container in this.containers.Where(c => c.IsInit && !c.IsNativeSidecar))
        {
            container.StartedAt = now;
        }

        this.status.Start(lifetime.Token);
        Directory.CreateDirectory(this.directory);
        var volumes = await PodVolumes.MaterializeAsync(client, this.pod, this.directory, lifetime.Token);

        // Native sidecars in their order, each started before the next and before the regular containers.
        foreach (var container in this.containers.Where(c => c.IsNativeSidecar).Concat(this.containers.Where(c => c.IsRegular)))
        {
            await StartContainerAsync(container, volumes);
        }

        this.status.Request();
    }

    /// <summary>A newer version of the pod from the watch: deletion starts termination.</summary>
    public void Observe(V1Pod pod)
    {
        this.pod = pod;
        this.status.Observe(pod.Status);
        if (pod.Metadata.DeletionTimestamp is not null && this.termination is null)
        {
            var grace = pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
            this.termination = TerminateAsync(TimeSpan.FromSeconds(grace));
        }
    }

    /// <summary>
    /// Kills one container's process the way a kubelet does before restarting it (after a failed liveness
    /// probe): SIGTERM, the grace period, SIGKILL; the pod is not deleted, and the restart policy starts it again.
    /// </summary>
    public async Task RestartContainerAsync(string containerName)
    {
        var container = this.containers.Single(c => c.Spec.Name == containerName);
        if (container.Process is not { } process)
        {
            throw new InvalidOperationException($"{containerName} of {Namespace}/{Name} is not a running process");
        }

        this.log($"pod {Namespace}/{Name}: killing {containerName} (pid {process.Pid}) to restart it");
        await process.StopAsync(TerminationGracePeriod);
    }

    public void SetAppReady(string? containerName, bool ready)
    {
        foreach (var app in this.containers.Where(c => !c.IsElector && (containerName is null || c.Spec.Name == containerName)))
        {
            app.AppReady = ready;
        }

        this.status.Request();
    }

    public async ValueTask DisposeAsync()
    {
        this.terminating = true;
        await lifetime.CancelAsync();
        foreach (var container in this.containers)
        {
            if (container.Process is { } process)
            {
                await process.DisposeAsync();
            }

            if (container.App is { } app)
            {
                await app.DisposeAsync();
            }
        }

        await Api.DisposeAsync();
        await this.sandbox.DisposeAsync();
        lifetime.Dispose();
    }

    private async Task StartContainerAsync(PodContainer container, IReadOnlyDictionary<string, string> volumes)
    {
        var environment = await ContainerEnvironment.ResolveAsync(client, this.pod, container.Spec, addresses, this.node.ServiceVariables, lifetime.Token);
        environment.TryAdd("HOSTNAME", Name);
        if (container.IsProcess)
        {
            var binary = container.IsElector ? RepositoryPaths.PublishedBinary(RepositoryPaths.ElectorBinary) : container.Executable!;
            var launch = ContainerLaunch.InSandbox(this.sandbox, container.Spec, volumes, binary, this.log);
            container.Loop = RunProcessAsync(launch, container, environment, WorkingDirectory(container.Spec));
            return;
        }

        var ports = container.AppPorts().Distinct().ToList();
        if (ports.Count > 0)
        {
            container.App = await AppServer.StartAsync(this.sandbox, ports, AppServerSettings.FromArgs(container.Spec.Args));
            container.App.Healthy = container.AppReady;
        }

        container.StartedAt = DateTime.UtcNow;
        container.Running = true;
        Record(container, ContainerEventKind.Started);
        container.StartProbes(Target, this.status.Request, this.log, TerminationGracePeriod, lifetime.Token);
    }

    /// <summary>The pod's directory, or the container's <c>workingDir</c> taken below it.</summary>
    private string WorkingDirectory(V1Container spec)
    {
        var directory = string.IsNullOrEmpty(spec.WorkingDir) ? this.directory : Path.Combine(this.directory, spec.WorkingDir.TrimStart('/'));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private async Task TerminateAsync(TimeSpan grace)
    {
        this.terminating = true;
        this.log($"pod {Namespace}/{Name}: terminating (grace {grace.TotalSeconds}s)");
        this.status.Request();
        var sidecars = this.containers.Where(c => c.IsNativeSidecar).ToList();
        if (sidecars.Count == 0)
        {
            await Task.WhenAll(this.containers.Where(c => c.RunsAlongside).Select(c => StopContainerAsync(c, grace)));
        }
        else
        {
            // As a kubelet with native sidecars: the app containers first, then the sidecars, last one first.
            var deadline = DateTime.UtcNow + grace;
            await Task.WhenAll(this.containers.Where(c => c.IsRegular).Select(c => StopContainerAsync(c, grace)));
            this.status.Request();
            await StopSidecarsAsync(sidecars, deadline);
        }

        await this.status.WriteNowAsync();
        HasTerminated = true;
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(Name, Namespace, new V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new V1Preconditions { Uid = this.pod.Metadata.Uid },
            });
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // Already gone.
        }
    }

    /// <summary>Every regular container of a run-to-completion pod has terminated: the native sidecars go, last first; the pod object stays.</summary>
    private async Task CompleteAsync()
    {
        this.log($"pod {Namespace}/{Name}: every container exited; stopping its native sidecars");
        await StopSidecarsAsync(this.containers.Where(c => c.IsNativeSidecar).ToList(), DateTime.UtcNow + TerminationGracePeriod);
        this.status.Request();
    }

    private async Task StopSidecarsAsync(List<PodContainer> sidecars, DateTime deadline)
    {
        for (var i = sidecars.Count - 1; i >= 0; i--)
        {
            var left = deadline - DateTime.UtcNow;
            await StopContainerAsync(sidecars[i], left > MinimumGracePeriod ? left : MinimumGracePeriod);
        }
    }

    /// <summary>SIGTERM, the grace period, SIGKILL for a process (then its loop is awaited); a simulated app serves on for its shutdown time, at most the grace period.</summary>
    private async Task StopContainerAsync(PodContainer container, TimeSpan grace)
    {
        LocalProcess? process;
        bool simulated;
        lock (container.Gate)
        {
            if (!container.Stopping && container.Running)
            {
                Record(container, ContainerEventKind.Stopping);
            }

            simulated = !container.IsProcess && container.Running && !container.Stopping;
            container.Stopping = true;
            process = container.Running ? container.Process : null;
        }

        if (simulated)
        {
            if (container.App is { } app)
            {
                await app.StopAsync(grace);
            }

            lock (container.Gate)
            {
                container.Running = false;
                container.LastExitCode = 0;
                container.FinishedAt = DateTime.UtcNow;
                container.Done = true;
                Record(container, ContainerEventKind.Exited, 0);
            }
        }

        if (process is not null)
        {
            await process.StopAsync(grace);
        }

        if (container.Loop is { } loop)
        {
            await loop;
        }
    }

    private async Task RunProcessAsync(ContainerLaunch launch, PodContainer container, Dictionary<string, string> environment, string? workingDirectory)
    {
        var arguments = launch.Arguments.Concat((container.Spec.Command ?? []).Skip(1).Concat(container.Spec.Args ?? [])
            .Select(argument => ContainerEnvironment.Expand(argument, environment))).ToList();
        var log = Path.Combine(this.directory, container.Spec.Name + ".log");
        while (true)
        {
            LocalProcess process;
            lock (container.Gate)
            {
                if (this.terminating || container.Stopping)
                {
                    return;
                }

                process = LocalProcess.Start($"{Namespace}/{Name}/{container.Spec.Name}", launch.Binary, arguments, environment, log, this.node.Registry, workingDirectory);
                container.Process = process;
                container.StartedAt = DateTime.UtcNow;
                container.Running = true;
                Record(container, ContainerEventKind.Started);
            }

            using var run = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
            container.StartProbes(Target, this.status.Request, this.log, TerminationGracePeriod, run.Token);
            this.status.Request();
            var exit = await process.Exited;
            await run.CancelAsync();
            bool restart;
            lock (container.Gate)
            {
                container.Running = false;
                container.Readiness = null;
                container.LastExitCode = exit;
                container.FinishedAt = DateTime.UtcNow;
                Record(container, ContainerEventKind.Exited, exit);
                restart = !this.terminating && !container.Stopping && ContainerRules.ShouldRestart(this.pod.Spec.RestartPolicy, container.IsNativeSidecar, exit);
                container.Done = !restart;
            }

            this.status.Request();
            if (!restart)
            {
                OnDone(container);
                return;
            }

            container.RestartCount++;
            this.log($"pod {Namespace}/{Name}: {container.Spec.Name} exited with {exit}; restarting (log {log})");
            try
            {
                await Task.Delay(this.node.Options.RestartDelay, lifetime.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnDone(PodContainer container)
    {
        lock (gate)
        {
            if (!container.IsRegular || this.terminating || completing || !this.containers.Where(c => c.IsRegular).All(c => c.Done))
            {
                return;
            }

            completing = true;
        }

        _ = CompleteAsync();
    }

    private void Record(PodContainer container, ContainerEventKind kind, int? exitCode = null)
    {
        lock (gate)
        {
            events.Add(new ContainerEvent(DateTime.UtcNow, container.Spec.Name, kind, exitCode));
        }
    }
}

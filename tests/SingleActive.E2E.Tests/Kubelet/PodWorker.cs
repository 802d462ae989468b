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

    private readonly IKubernetes _client;
    private readonly NodeContext _node;
    private readonly PodSandbox _sandbox;
    private readonly PodAddresses _addresses;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly PodStatusReporter _status;
    private readonly List<PodContainer> _containers = [];
    private readonly List<ContainerEvent> _events = [];
    private readonly Lock _gate = new();
    private readonly string _directory;
    private V1Pod _pod;
    private Task? _termination;
    private bool _completing;
    private volatile bool _terminating;

    /// <param name="api">Where the pod's containers reach the API server (the kubernetes Service's stand-in inside the pod).</param>
    public PodWorker(NodeContext node, PodSandbox sandbox, TcpRelay api, V1Pod pod)
    {
        _client = node.Client;
        _node = node;
        _sandbox = sandbox;
        Api = api;
        _log = node.Log;
        _pod = pod;
        _addresses = new PodAddresses(sandbox.PodIps.Select(ip => ip.ToString()).ToList(), node.Options.NodeAddress);
        _directory = Path.Combine(node.Options.WorkDirectory, pod.Metadata.NamespaceProperty, $"{pod.Metadata.Name}-{pod.Metadata.Uid[..8]}");
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            _containers.Add(new PodContainer(init, isInit: true, ContainerRules.IsNativeSidecar(pod, init), ContainerRules.HostExecutable(init)));
        }

        foreach (var container in pod.Spec.Containers)
        {
            _containers.Add(new PodContainer(container, isInit: false, isNativeSidecar: false, ContainerRules.HostExecutable(container)));
        }

        _status = new PodStatusReporter(_client, pod, _containers, _addresses, () => _terminating, _log);
    }

    public string Namespace => _pod.Metadata.NamespaceProperty;

    public string Name => _pod.Metadata.Name;

    public IPAddress PodIp => _sandbox.PodIp;

    /// <summary>Deleted and every container stopped (the pod object is being removed).</summary>
    public bool HasTerminated { get; private set; }

    /// <summary>The pod's API server connections (a test freezes them like a partition).</summary>
    public TcpRelay Api { get; }

    public IReadOnlyList<PodContainer> Containers => _containers;

    /// <summary>What happened to the containers so far, in order.</summary>
    public IReadOnlyList<ContainerEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The elector's HTTP address on the pod IP (its /status, /readyz; reach it through <see cref="PodNetwork.Http"/>), once it runs.</summary>
    public Uri? ElectorUrl =>
        _containers.FirstOrDefault(c => c.IsElector) is { Running: true } elector
            ? new Uri($"http://{(PodIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{PodIp}]" : PodIp.ToString())}:{elector.ElectorPort()}")
            : null;

    private ProbeTarget Target => new(_node.Network, PodIp);

    private TimeSpan TerminationGracePeriod => TimeSpan.FromSeconds(_pod.Spec.TerminationGracePeriodSeconds ?? 30);

    public async Task StartAsync()
    {
        var now = DateTime.UtcNow;
        foreach (var container in _containers.Where(c => c.IsInit && !c.IsNativeSidecar))
        {
            container.StartedAt = now;
        }

        _status.Start(_lifetime.Token);
        Directory.CreateDirectory(_directory);
        var volumes = await PodVolumes.MaterializeAsync(_client, _pod, _directory, _lifetime.Token);

        // Native sidecars in their order, each started before the next and before the regular containers.
        foreach (var container in _containers.Where(c => c.IsNativeSidecar).Concat(_containers.Where(c => c.IsRegular)))
        {
            await StartContainerAsync(container, volumes);
        }

        _status.Request();
    }

    /// <summary>A newer version of the pod from the watch: deletion starts termination.</summary>
    public void Observe(V1Pod pod)
    {
        _pod = pod;
        if (pod.Metadata.DeletionTimestamp is not null && _termination is null)
        {
            var grace = pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
            _termination = TerminateAsync(TimeSpan.FromSeconds(grace));
        }
    }

    /// <summary>
    /// Kills one container's process the way a kubelet does before restarting it (after a failed liveness
    /// probe): SIGTERM, the grace period, SIGKILL; the pod is not deleted, and the restart policy starts it again.
    /// </summary>
    public async Task RestartContainerAsync(string containerName)
    {
        var container = _containers.Single(c => c.Spec.Name == containerName);
        if (container.Process is not { } process)
        {
            throw new InvalidOperationException($"{containerName} of {Namespace}/{Name} is not a running process");
        }

        _log($"pod {Namespace}/{Name}: killing {containerName} (pid {process.Pid}) to restart it");
        await process.StopAsync(TerminationGracePeriod);
    }

    public void SetAppReady(string? containerName, bool ready)
    {
        foreach (var app in _containers.Where(c => !c.IsElector && (containerName is null || c.Spec.Name == containerName)))
        {
            app.AppReady = ready;
        }

        _status.Request();
    }

    public async ValueTask DisposeAsync()
    {
        _terminating = true;
        await _lifetime.CancelAsync();
        foreach (var container in _containers)
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
        await _sandbox.DisposeAsync();
        _lifetime.Dispose();
    }

    private async Task StartContainerAsync(PodContainer container, IReadOnlyDictionary<string, string> volumes)
    {
        var environment = await ContainerEnvironment.ResolveAsync(_client, _pod, container.Spec, _addresses, _node.ServiceVariables, _lifetime.Token);
        environment.TryAdd("HOSTNAME", Name);
        if (container.IsProcess)
        {
            var binary = container.IsElector ? RepositoryPaths.PublishedBinary(RepositoryPaths.ElectorBinary) : container.Executable!;
            var launch = ContainerLaunch.InSandbox(_sandbox, container.Spec, volumes, binary, _log);
            container.Loop = RunProcessAsync(launch, container, environment, WorkingDirectory(container.Spec));
            return;
        }

        var ports = container.AppPorts().Distinct().ToList();
        if (ports.Count > 0)
        {
            container.App = await AppServer.StartAsync(_sandbox, ports, AppServerSettings.FromArgs(container.Spec.Args));
            container.App.Healthy = container.AppReady;
        }

        container.StartedAt = DateTime.UtcNow;
        container.Running = true;
        Record(container, ContainerEventKind.Started);
        container.StartProbes(Target, _status.Request, _log, TerminationGracePeriod, _lifetime.Token);
    }

    /// <summary>The pod's directory, or the container's <c>workingDir</c> taken below it.</summary>
    private string WorkingDirectory(V1Container spec)
    {
        var directory = string.IsNullOrEmpty(spec.WorkingDir) ? _directory : Path.Combine(_directory, spec.WorkingDir.TrimStart('/'));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private async Task TerminateAsync(TimeSpan grace)
    {
        _terminating = true;
        _log($"pod {Namespace}/{Name}: terminating (grace {grace.TotalSeconds}s)");
        _status.Request();
        var sidecars = _containers.Where(c => c.IsNativeSidecar).ToList();
        if (sidecars.Count == 0)
        {
            await Task.WhenAll(_containers.Where(c => c.RunsAlongside).Select(c => StopContainerAsync(c, grace)));
        }
        else
        {
            // As a kubelet with native sidecars: the app containers first, then the sidecars, last one first.
            var deadline = DateTime.UtcNow + grace;
            await Task.WhenAll(_containers.Where(c => c.IsRegular).Select(c => StopContainerAsync(c, grace)));
            _status.Request();
            await StopSidecarsAsync(sidecars, deadline);
        }

        await _status.WriteNowAsync();
        HasTerminated = true;
        try
        {
            await _client.CoreV1.DeleteNamespacedPodAsync(Name, Namespace, new V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new V1Preconditions { Uid = _pod.Metadata.Uid },
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
        _log($"pod {Namespace}/{Name}: every container exited; stopping its native sidecars");
        await StopSidecarsAsync(_containers.Where(c => c.IsNativeSidecar).ToList(), DateTime.UtcNow + TerminationGracePeriod);
        _status.Request();
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
        var log = Path.Combine(_directory, container.Spec.Name + ".log");
        while (true)
        {
            LocalProcess process;
            lock (container.Gate)
            {
                if (_terminating || container.Stopping)
                {
                    return;
                }

                process = LocalProcess.Start($"{Namespace}/{Name}/{container.Spec.Name}", launch.Binary, arguments, environment, log, _node.Registry, workingDirectory);
                container.Process = process;
                container.StartedAt = DateTime.UtcNow;
                container.Running = true;
                Record(container, ContainerEventKind.Started);
            }

            using var run = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            container.StartProbes(Target, _status.Request, _log, TerminationGracePeriod, run.Token);
            _status.Request();
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
                restart = !_terminating && !container.Stopping && ContainerRules.ShouldRestart(_pod.Spec.RestartPolicy, container.IsNativeSidecar, exit);
                container.Done = !restart;
            }

            _status.Request();
            if (!restart)
            {
                OnDone(container);
                return;
            }

            container.RestartCount++;
            _log($"pod {Namespace}/{Name}: {container.Spec.Name} exited with {exit}; restarting (log {log})");
            try
            {
                await Task.Delay(_node.Options.RestartDelay, _lifetime.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnDone(PodContainer container)
    {
        lock (_gate)
        {
            if (!container.IsRegular || _terminating || _completing || !_containers.Where(c => c.IsRegular).All(c => c.Done))
            {
                return;
            }

            _completing = true;
        }

        _ = CompleteAsync();
    }

    private void Record(PodContainer container, ContainerEventKind kind, int? exitCode = null)
    {
        lock (_gate)
        {
            _events.Add(new ContainerEvent(DateTime.UtcNow, container.Spec.Name, kind, exitCode));
        }
    }
}

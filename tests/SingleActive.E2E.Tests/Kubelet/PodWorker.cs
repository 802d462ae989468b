using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Runs one pod bound to the process kubelet, in a kubelet's order: native sidecars first (each
/// started before the next), then the regular containers; restarts exits as the restart policy
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
    private readonly ProcessKubeletOptions _options;
    private readonly ChildProcessRegistry _registry;
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

    public PodWorker(IKubernetes client, ProcessKubeletOptions options, ChildProcessRegistry registry, string podIp, Action<string> log, V1Pod pod)
    {
        _client = client;
        _options = options;
        _registry = registry;
        _log = log;
        _pod = pod;
        PodIp = podIp;
        _directory = Path.Combine(options.WorkDirectory, pod.Metadata.NamespaceProperty, $"{pod.Metadata.Name}-{pod.Metadata.Uid[..8]}");
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            _containers.Add(new PodContainer(init, isInit: true, ContainerRules.IsNativeSidecar(pod, init), ContainerRules.HostExecutable(init)));
        }

        foreach (var container in pod.Spec.Containers)
        {
            _containers.Add(new PodContainer(container, isInit: false, isNativeSidecar: false, ContainerRules.HostExecutable(container)));
        }

        _status = new PodStatusReporter(client, pod, _containers, podIp, () => _terminating, log);
    }

    public string Namespace => _pod.Metadata.NamespaceProperty;

    public string Name => _pod.Metadata.Name;

    public string PodIp { get; }

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

    /// <summary>The elector's HTTP address on loopback (its /status, /readyz), if the pod has one.</summary>
    public Uri? ElectorUrl =>
        _containers.FirstOrDefault(c => c.IsElector) is { PortMap.Count: > 0 } elector ? new Uri($"http://127.0.0.1:{elector.PortMap.Values.First()}") : null;

    private TimeSpan TerminationGracePeriod => TimeSpan.FromSeconds(_pod.Spec.TerminationGracePeriodSeconds ?? 30);

    public async Task StartAsync()
    {
        var now = DateTime.UtcNow;
        foreach (var container in _containers.Where(c => c.IsInit && !c.IsNativeSidecar))
        {
            container.StartedAt = now;
        }

        foreach (var app in _containers.Where(c => !c.IsElector && c.RunsAlongside))
        {
            var ports = app.AppPorts().Distinct().ToList();
            if (ports.Count > 0)
            {
                app.Health = new AppHealthEndpoint();
                ports.ForEach(port => app.PortMap[port] = app.Health.Port);
            }
        }

        foreach (var elector in _containers.Where(c => c.IsElector))
        {
            elector.PortMap[ElectorEnvironment.ContainerPort(elector.Spec)] = LoopbackPorts.Reserve();
        }

        _status.Start(_lifetime.Token);
        var kubeconfig = _containers.Any(c => c.IsElector)
            ? await PodCredentials.WriteKubeconfigAsync(_client, _pod, _options, _directory, _lifetime.Token)
            : null;

        // Native sidecars in their order, each started before the next and before the regular containers.
        foreach (var container in _containers.Where(c => c.IsNativeSidecar).Concat(_containers.Where(c => c.IsRegular)))
        {
            await StartContainerAsync(container, kubeconfig);
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

            container.Health?.Dispose();
        }

        _lifetime.Dispose();
    }

    private async Task StartContainerAsync(PodContainer container, string? kubeconfig)
    {
        if (container.IsElector)
        {
            var environment = await ElectorEnvironment.ResolveAsync(_client, _pod, container, PodIp, kubeconfig!, _directory, _containers, _log, _lifetime.Token);
            container.Loop = RunProcessAsync(RepositoryPaths.PublishedBinary(RepositoryPaths.ElectorBinary), container, environment, workingDirectory: null);
        }
        else if (container.Executable is { } executable)
        {
            var environment = await ContainerEnvironment.ResolveAsync(_client, _pod, container.Spec, PodIp, _lifetime.Token);
            environment.TryAdd("HOSTNAME", Name);
            container.Loop = RunProcessAsync(executable, container, environment, WorkingDirectory(container.Spec));
        }
        else
        {
            container.StartedAt = DateTime.UtcNow;
            container.Running = true;
            Record(container, ContainerEventKind.Started);
            container.StartProbes(_status.Request, _log, TerminationGracePeriod, _lifetime.Token);
        }
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

    /// <summary>SIGTERM, the grace period, SIGKILL for a process (then its loop is awaited); a simulated container stops at once.</summary>
    private async Task StopContainerAsync(PodContainer container, TimeSpan grace)
    {
        LocalProcess? process;
        lock (container.Gate)
        {
            if (!container.Stopping && container.Running)
            {
                Record(container, ContainerEventKind.Stopping);
            }

            container.Stopping = true;
            process = container.Running ? container.Process : null;
            if (!container.IsProcess && container.Running)
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

    private async Task RunProcessAsync(string binary, PodContainer container, Dictionary<string, string> environment, string? workingDirectory)
    {
        var arguments = (container.Spec.Command ?? []).Skip(1).Concat(container.Spec.Args ?? [])
            .Select(argument => ContainerEnvironment.Expand(argument, environment)).ToList();
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

                process = LocalProcess.Start($"{Namespace}/{Name}/{container.Spec.Name}", binary, arguments, environment, log, _registry, workingDirectory);
                container.Process = process;
                container.StartedAt = DateTime.UtcNow;
                container.Running = true;
                Record(container, ContainerEventKind.Started);
            }

            using var run = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            container.StartProbes(_status.Request, _log, TerminationGracePeriod, run.Token);
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
                await Task.Delay(_options.RestartDelay, _lifetime.Token);
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

using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Runs one pod bound to the process kubelet: starts its containers (the elector as a real
/// process), probes them, reports status, and on deletion stops them like a kubelet (SIGTERM,
/// grace period, SIGKILL) before removing the pod object.
/// </summary>
internal sealed class PodWorker : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly ProcessKubeletOptions _options;
    private readonly ChildProcessRegistry _registry;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly PodStatusReporter _status;
    private readonly List<PodContainer> _containers = [];
    private readonly string _directory;
    private V1Pod _pod;
    private Task? _termination;
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
            _containers.Add(new PodContainer(init, isInit: true));
        }

        foreach (var container in pod.Spec.Containers)
        {
            _containers.Add(new PodContainer(container, isInit: false));
        }

        _status = new PodStatusReporter(client, pod, _containers, podIp, () => _terminating, log);
    }

    public string Namespace => _pod.Metadata.NamespaceProperty;

    public string Name => _pod.Metadata.Name;

    public string PodIp { get; }

    public IReadOnlyList<PodContainer> Containers => _containers;

    /// <summary>The elector's HTTP address on loopback (its /status, /readyz), if the pod has one.</summary>
    public Uri? ElectorUrl =>
        _containers.FirstOrDefault(c => c.IsElector) is { PortMap.Count: > 0 } elector ? new Uri($"http://127.0.0.1:{elector.PortMap.Values.First()}") : null;

    public async Task StartAsync()
    {
        var now = DateTime.UtcNow;
        foreach (var container in _containers.Where(c => c.IsInit && !c.IsSidecarInit))
        {
            container.StartedAt = now;
        }

        foreach (var app in _containers.Where(c => !c.IsElector && (!c.IsInit || c.IsSidecarInit)))
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
        foreach (var container in _containers.Where(c => !c.IsInit || c.IsSidecarInit))
        {
            if (container.IsElector)
            {
                var environment = await ElectorEnvironment.ResolveAsync(_client, _pod, container, PodIp, kubeconfig!, _directory, _containers, _log, _lifetime.Token);
                _ = RunProcessAsync(RepositoryPaths.PublishedBinary(RepositoryPaths.ElectorBinary), container, environment);
            }
            else
            {
                container.StartedAt = DateTime.UtcNow;
                container.Running = true;
                container.StartProbes(_status.Request, _log, TimeSpan.FromSeconds(_pod.Spec.TerminationGracePeriodSeconds ?? 30), _lifetime.Token);
            }
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

    private async Task TerminateAsync(TimeSpan grace)
    {
        _terminating = true;
        _log($"pod {Namespace}/{Name}: terminating (grace {grace.TotalSeconds}s)");
        _status.Request();
        await Task.WhenAll(_containers.Select(c => c.Process?.StopAsync(grace) ?? Task.CompletedTask));
        foreach (var container in _containers.Where(c => c.Process is null && c.Running))
        {
            container.Running = false;
            container.LastExitCode = 0;
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

    private async Task RunProcessAsync(string binary, PodContainer container, Dictionary<string, string> environment)
    {
        var arguments = (container.Spec.Command ?? []).Skip(1).Concat(container.Spec.Args ?? [])
            .Select(argument => ContainerEnvironment.Expand(argument, environment)).ToList();
        while (!_terminating)
        {
            var log = Path.Combine(_directory, container.Spec.Name + ".log");
            container.Process = LocalProcess.Start($"{Namespace}/{Name}/{container.Spec.Name}", binary, arguments, environment, log, _registry);
            container.StartedAt = DateTime.UtcNow;
            container.Running = true;
            using var run = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            container.StartProbes(_status.Request, _log, TimeSpan.FromSeconds(_pod.Spec.TerminationGracePeriodSeconds ?? 30), run.Token);
            _status.Request();
            var exit = await container.Process.Exited;
            await run.CancelAsync();
            container.Running = false;
            container.Readiness = null;
            container.LastExitCode = exit;
            _status.Request();
            if (_terminating)
            {
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
}

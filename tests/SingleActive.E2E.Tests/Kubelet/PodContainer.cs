using System.Globalization;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// One container of a pod on the process kubelet, inside the pod's network namespace. The elector runs
/// as the project's published binary, and so does an app container whose <c>command[0]</c> is an
/// executable on this host (<see cref="Executable"/>); any other app container is simulated by an
/// <see cref="AppServer"/> on its declared and probed ports (running, and ready unless a test says otherwise).
/// </summary>
internal sealed class PodContainer(V1Container spec, bool isInit, bool isNativeSidecar, string? executable)
{
    private volatile bool appReady = true;

    public V1Container Spec { get; } = spec;

    /// <summary>An initContainers entry (a native sidecar or a plain init container).</summary>
    public bool IsInit { get; } = isInit;

    /// <summary>An init container that runs alongside the app containers (see <see cref="ContainerRules.IsNativeSidecar"/>).</summary>
    public bool IsNativeSidecar { get; } = isInit && isNativeSidecar;

    /// <summary>An entry of <c>containers</c>: what decides the pod's phase.</summary>
    public bool IsRegular => !IsInit;

    /// <summary>Runs while the pod runs: a regular container or a native sidecar (plain init containers are done first).</summary>
    public bool RunsAlongside => !IsInit || IsNativeSidecar;

    public bool IsElector => Spec.Name == ElectorHttp.ContainerName;

    /// <summary>The host binary an app container runs as, or null when it is simulated (the elector has its own).</summary>
    public string? Executable { get; } = executable;

    /// <summary>Runs as a local process (the elector, or an app container with a host <see cref="Executable"/>).</summary>
    public bool IsProcess => IsElector || Executable is not null;

    /// <summary>Guards starting a process against stopping it.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The loop that runs (and restarts) its process; completes when the process will not be started again.</summary>
    public Task? Loop { get; set; }

    /// <summary>Exited and will not be started again (restart policy, completion or termination).</summary>
    public bool Done { get; set; }

    /// <summary>The kubelet is stopping it: an exit now is not restarted.</summary>
    public bool Stopping { get; set; }

    public DateTime FinishedAt { get; set; }

    /// <summary>The simulated app's server, if this is a simulated container with ports or probes.</summary>
    public AppServer? App { get; set; }

    public LocalProcess? Process { get; set; }

    public ContainerProber? Readiness { get; set; }

    public bool Running { get; set; }

    public int RestartCount { get; set; }

    public DateTime StartedAt { get; set; }

    public int? LastExitCode { get; set; }

    /// <summary>A test's verdict on an app container (drives its app server's answers too).</summary>
    public bool AppReady
    {
        get => appReady;
        set
        {
            appReady = value;
            if (App is not null)
            {
                App.Healthy = value;
            }
        }
    }

    /// <summary>Ready by its readiness probe's last result; a container without one is ready while it runs (a simulated one unless a test said otherwise).</summary>
    public bool Ready => Running && (Readiness?.Result ?? (IsElector || AppReady));

    /// <summary>The port a probe names: a number, or the name of one of this container's ports.</summary>
    public int? Port(IntOrString port)
    {
        var text = port.Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return Spec.Ports?.FirstOrDefault(p => p.Name == text)?.ContainerPort;
    }

    /// <summary>The port the webhook rendered for the elector (its env, else its named container port).</summary>
    public int ElectorPort()
    {
        var fromEnv = Spec.Env?.FirstOrDefault(e => e.Name == ElectorEnv.Port)?.Value;
        if (int.TryParse(fromEnv, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }

        return Spec.Ports?.FirstOrDefault(p => p.Name == ElectorHttp.PortName)?.ContainerPort ?? ElectorHttp.DefaultPort;
    }

    /// <summary>Starts the readiness probe (and, for a process, the liveness probe, whose failure restarts it, as a kubelet does).</summary>
    public void StartProbes(ProbeTarget target, Action statusChanged, Action<string> log, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Spec.ReadinessProbe is { } readiness)
        {
            Readiness = new ContainerProber(readiness, isReadiness: true, target, Port, _ => statusChanged());
            _ = Readiness.RunAsync(cancellationToken);
        }

        if (Spec.LivenessProbe is { } liveness && Process is { } process)
        {
            var prober = new ContainerProber(liveness, isReadiness: false, target, Port, alive =>
            {
                if (!alive)
                {
                    log($"{Spec.Name} (pid {process.Pid}) failed its liveness probe; restarting");
                    _ = process.StopAsync(gracePeriod);
                }
            });
            _ = prober.RunAsync(cancellationToken);
        }
    }

    /// <summary>Ports a simulated app must answer on: its declared ports and its probes' ports.</summary>
    public IEnumerable<int> AppPorts()
    {
        foreach (var port in Spec.Ports ?? [])
        {
            yield return port.ContainerPort;
        }

        foreach (var probe in new[] { Spec.ReadinessProbe, Spec.LivenessProbe, Spec.StartupProbe })
        {
            if ((probe?.HttpGet?.Port ?? probe?.TcpSocket?.Port) is { } port && Port(port) is { } number)
            {
                yield return number;
            }
        }
    }
}

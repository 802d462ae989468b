using System.Globalization;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// One container of a pod on the process kubelet. The elector runs as a real process; an app
/// container is simulated (running, and ready unless a test says otherwise), with a stand-in
/// health endpoint when it declares ports or probes. The container's ports map to loopback ports.
/// </summary>
internal sealed class PodContainer(V1Container spec, bool isInit)
{
    private volatile bool _appReady = true;

    public V1Container Spec { get; } = spec;

    /// <summary>An initContainers entry (a native sidecar when its restartPolicy is Always).</summary>
    public bool IsInit { get; } = isInit;

    public bool IsSidecarInit => IsInit && Spec.RestartPolicy == "Always";

    public bool IsElector => Spec.Name == ElectorHttp.ContainerName;

    /// <summary>Container port → loopback port.</summary>
    public Dictionary<int, int> PortMap { get; } = [];

    public AppHealthEndpoint? Health { get; set; }

    public LocalProcess? Process { get; set; }

    public ContainerProber? Readiness { get; set; }

    public bool Running { get; set; }

    public int RestartCount { get; set; }

    public DateTime StartedAt { get; set; }

    public int? LastExitCode { get; set; }

    /// <summary>A test's verdict on an app container (drives its stand-in endpoint too).</summary>
    public bool AppReady
    {
        get => _appReady;
        set
        {
            _appReady = value;
            if (Health is not null)
            {
                Health.Healthy = value;
            }
        }
    }

    public bool Ready => Running && (Readiness?.Result ?? (IsElector || AppReady));

    public int? LocalPort(IntOrString port)
    {
        var text = port.Value;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var named = Spec.Ports?.FirstOrDefault(p => p.Name == text);
            if (named is null)
            {
                return null;
            }

            number = named.ContainerPort;
        }

        return PortMap.TryGetValue(number, out var local) ? local : null;
    }

    /// <summary>Starts the readiness probe (and, for a process, the liveness probe, whose failure restarts it, as a kubelet does).</summary>
    public void StartProbes(Action statusChanged, Action<string> log, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Spec.ReadinessProbe is { } readiness)
        {
            Readiness = new ContainerProber(readiness, isReadiness: true, LocalPort, _ => statusChanged());
            _ = Readiness.RunAsync(cancellationToken);
        }

        if (Spec.LivenessProbe is { } liveness && Process is { } process)
        {
            var prober = new ContainerProber(liveness, isReadiness: false, LocalPort, alive =>
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

    /// <summary>Ports an app container's stand-in must answer on: its declared ports and its probes' numeric ports.</summary>
    public IEnumerable<int> AppPorts()
    {
        foreach (var port in Spec.Ports ?? [])
        {
            yield return port.ContainerPort;
        }

        foreach (var probe in new[] { Spec.ReadinessProbe, Spec.LivenessProbe, Spec.StartupProbe })
        {
            var port = probe?.HttpGet?.Port ?? probe?.TcpSocket?.Port;
            if (port is not null && int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                yield return number;
            }
        }
    }
}

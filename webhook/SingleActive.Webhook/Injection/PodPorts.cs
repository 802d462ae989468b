using SingleActive.Kube.Workloads;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>Ports a pod already uses, and the choice of a free one for the elector.</summary>
public static class PodPorts
{
    /// <summary>
    /// Every containerPort and hostPort of every container and init container, plus every numeric probe
    /// and lifecycle port: all containers share one network namespace, so an app listening on a port it
    /// never declared is only visible through its probes.
    /// </summary>
    public static HashSet<int> InUse(V1PodSpec? spec)
    {
        var used = new HashSet<int>();
        foreach (var container in PodContainers.All(spec))
        {
            foreach (var port in container.Ports ?? [])
            {
                used.Add(port.ContainerPort);
                if (port.HostPort is { } hostPort)
                {
                    used.Add(hostPort);
                }
            }

            AddProbePorts(container.ReadinessProbe, used);
            AddProbePorts(container.LivenessProbe, used);
            AddProbePorts(container.StartupProbe, used);
            AddHandlerPorts(container.Lifecycle?.PostStart, used);
            AddHandlerPorts(container.Lifecycle?.PreStop, used);
        }

        return used;
    }

    /// <summary>The preferred port if free, else the next free one above it (wrapping to 1024, never a privileged port).</summary>
    public static int ChooseFree(int preferred, IReadOnlySet<int> used)
    {
        ArgumentNullException.ThrowIfNull(used);
        for (var i = 0; i < 65535; i++)
        {
            var candidate = preferred + i;
            if (candidate > 65535)
            {
                candidate = 1024 + ((candidate - 65536) % (65535 - 1024 + 1));
            }

            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("no free port");
    }

    private static void AddProbePorts(V1Probe? probe, HashSet<int> used)
    {
        if (probe is null)
        {
            return;
        }

        AddNumeric(probe.HttpGet?.Port, used);
        AddNumeric(probe.TcpSocket?.Port, used);
        if (probe.Grpc is { } grpc)
        {
            used.Add(grpc.Port);
        }
    }

    private static void AddHandlerPorts(V1LifecycleHandler? handler, HashSet<int> used)
    {
        AddNumeric(handler?.HttpGet?.Port, used);
        AddNumeric(handler?.TcpSocket?.Port, used);
    }

    private static void AddNumeric(IntOrString? port, HashSet<int> used)
    {
        if (port?.Value is { } text && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            used.Add(number);
        }
    }
}

using System.Globalization;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Whether an injected elector's readinessProbe is still the one it relies on (readiness mode). The elector answers
/// <c>/readyz</c> 200 only while it leads, and counts on the kubelet noticing a 503 within
/// <see cref="ReadinessProbeTimings.WorstCaseDetection"/> of the probe the webhook rendered (period from
/// <see cref="ElectorEnv.ProbePeriod"/>, else 1 s; one failure; 1 s timeout). Something that changes the probe after
/// injection (a later mutating webhook or policy, a tool that rewrote <c>inject -f</c>'s output) breaks that silently.
/// Label mode's probe only follows health (the Service selects the leader label), so it is not judged.
/// </summary>
public static class ElectorReadinessProbe
{
    /// <summary>
    /// What makes the elector's container Ready whether or not it leads, so that every replica serves: no readinessProbe,
    /// one that is not an HTTP GET (a TCP or exec probe passes while the process lives), or an HTTP GET on the elector's
    /// own port of another path than <c>/readyz</c>. A probe on another port is left alone: that is how service meshes
    /// forward it (Istio's <c>/app-health/CONTAINER/readyz</c> on 15020, Consul's <c>/readyz</c> on 20400 and up, OSM's own
    /// path on 15902), and a probe that reaches nothing fails, which is safe. Null when none of these.
    /// </summary>
    /// <param name="pod">The injected pod (its status annotation says the mode).</param>
    /// <param name="elector">Its <see cref="ElectorHttp.ContainerName"/> container.</param>
    public static string? ReadyRegardless(V1Pod pod, V1Container elector)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(elector);
        if (IsLabelMode(pod, elector))
        {
            return null;
        }

        var renders = $"the webhook renders httpGet {ElectorHttp.ReadyPath} on port {ElectorHttp.PortName}";
        return elector.ReadinessProbe switch
        {
            null => $"has no readinessProbe ({renders}): its container is Ready whether or not it leads, so every replica whose app is ready serves",
            { HttpGet: null } => $"has a readinessProbe that is no HTTP GET ({renders}): it passes while the elector runs, whether or not it leads, so every replica whose app is ready serves",
            { HttpGet: { } get } when OnElectorPort(get, elector) && get.Path != ElectorHttp.ReadyPath =>
                $"has a readinessProbe that asks {get.Path ?? "/"} instead of {ElectorHttp.ReadyPath} ({renders}): its container is Ready whether or not it leads, so every replica whose app is ready serves",
            _ => null,
        };
    }

    /// <summary>
    /// A readinessProbe slower than the one the elector relies on (its worst case, period × failure threshold + timeout,
    /// above the rendered one; fields left out count as the API server's defaults, 10 s × 3 + 1 s): a leader that lost the
    /// Lease may stay Ready longer than its release waits. Null when no slower, or in label mode.
    /// </summary>
    public static string? Slower(V1Pod pod, V1Container elector)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(elector);
        if (IsLabelMode(pod, elector) || elector.ReadinessProbe is not { } probe)
        {
            return null;
        }

        var expected = ReadinessProbeTimings.Default;
        if (Env(elector, ElectorEnv.ProbePeriod) is { } periodText && expected.TryWithPeriod(periodText, out var withPeriod))
        {
            expected = withPeriod;
        }

        // The API server's defaults for fields left out (k8s.io/api core/v1 Probe): period 10 s, failure threshold 3, timeout 1 s.
        var actual = new ReadinessProbeTimings(probe.PeriodSeconds ?? 10, probe.FailureThreshold ?? 3, probe.TimeoutSeconds ?? 1);
        return actual.WorstCaseDetection <= expected.WorstCaseDetection
            ? null
            : $"has a readinessProbe slower than the elector relies on (periodSeconds {actual.PeriodSeconds}, failureThreshold {actual.FailureThreshold}, timeoutSeconds {actual.TimeoutSeconds}: " +
              $"a leader that lost the Lease may stay Ready for {actual.WorstCaseDetection.TotalSeconds:0} s, where the elector waits {expected.WorstCaseDetection.TotalSeconds:0} s for its kubelet; " +
              $"it renders periodSeconds {expected.PeriodSeconds}, failureThreshold {expected.FailureThreshold}, timeoutSeconds {expected.TimeoutSeconds}): an old leader can be Ready next to the new one";
    }

    /// <summary>The mode the status annotation records, else the elector's environment; readiness when neither says.</summary>
    private static bool IsLabelMode(V1Pod pod, V1Container elector)
    {
        var mode = PodInjectionStatus.StatusOf(pod) is { } status ? PodInjectionStatus.Text(status, "mode") : null;
        mode ??= Env(elector, ElectorEnv.Mode);
        return ElectorModes.TryParse(mode, out var parsed) && parsed == ElectorMode.Label;
    }

    private static bool OnElectorPort(V1HTTPGetAction get, V1Container elector) =>
        get.Port?.Value is { } port && (port == ElectorHttp.PortName
            || elector.Ports?.Any(p => p.Name == ElectorHttp.PortName && p.ContainerPort.ToString(CultureInfo.InvariantCulture) == port) == true);

    /// <summary>The last literal value of <paramref name="name"/> (the kubelet takes the last of duplicates); null when it has none.</summary>
    private static string? Env(V1Container container, string name) => container.Env?.LastOrDefault(e => e.Name == name)?.Value?.Trim();
}

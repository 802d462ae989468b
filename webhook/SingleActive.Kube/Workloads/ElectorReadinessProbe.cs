using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Whether an injected elector's readinessProbe is still the one it relies on (readiness mode). The elector answers
/// <c>/readyz</c> 200 only while it leads and counts on the kubelet noticing a 503 within
/// <see cref="ReadinessProbeTimings.WorstCaseDetection"/> of the probe the webhook rendered (period from
/// <see cref="ElectorEnv.ProbePeriod"/>, else 1 s; one failure; 1 s timeout): its release waits that long for the kubelet,
/// and the safety bound is checked against it. Something that changes the probe after injection (a later mutating
/// webhook or policy, a tool that normalised <c>inject -f</c>'s output) breaks that silently: no probe, or one on
/// another path, keeps every replica Ready; a slower one keeps an old leader Ready next to the new one. Label mode's
/// probe only follows health (the Service selects the leader label), so it is not judged. A service mesh's rewrite
/// that forwards the probe (Istio's <c>/app-health/…/readyz</c>) is the same probe.
/// </summary>
public static class ElectorReadinessProbe
{
    /// <summary>What is wrong with <paramref name="elector"/>'s readinessProbe; null when it is as rendered, or no slower.</summary>
    /// <param name="elector">The injected <see cref="ElectorHttp.ContainerName"/> container.</param>
    public static string? Problem(V1Container elector)
    {
        ArgumentNullException.ThrowIfNull(elector);
        if (Env(elector, ElectorEnv.Mode) is { } mode && ElectorModes.TryParse(mode, out var parsed) && parsed == ElectorMode.Label)
        {
            return null;
        }

        var expected = ReadinessProbeTimings.Default;
        if (Env(elector, ElectorEnv.ProbePeriod) is { } periodText && Duration.TryParse(periodText, out var period) && ReadinessProbeTimings.IsPeriod(period))
        {
            expected = expected with { PeriodSeconds = (int)period.TotalSeconds };
        }

        var renders = $"the webhook renders httpGet {ElectorHttp.ReadyPath} on port {ElectorHttp.PortName}, periodSeconds {expected.PeriodSeconds}, failureThreshold {expected.FailureThreshold}, timeoutSeconds {expected.TimeoutSeconds}";
        if (elector.ReadinessProbe is not { } probe)
        {
            return $"has no readinessProbe ({renders}): its container is Ready whether or not it leads, so every replica whose app is ready serves";
        }

        if (probe.HttpGet is not { } get || !AsksReadyz(get, elector))
        {
            return $"has a readinessProbe that does not ask {ElectorHttp.ReadyPath} on its own port ({renders}): its container is Ready whether or not it leads, so every replica whose app is ready serves";
        }

        // The API server's defaults for fields left out (k8s.io/api core/v1 Probe): period 10 s, failure threshold 3, timeout 1 s.
        var actual = new ReadinessProbeTimings(probe.PeriodSeconds ?? 10, probe.FailureThreshold ?? 3, probe.TimeoutSeconds ?? 1);
        return actual.WorstCaseDetection <= expected.WorstCaseDetection
            ? null
            : $"has a readinessProbe slower than the elector relies on (periodSeconds {actual.PeriodSeconds}, failureThreshold {actual.FailureThreshold}, timeoutSeconds {actual.TimeoutSeconds}: " +
              $"a leader that lost the Lease may stay Ready for {actual.WorstCaseDetection.TotalSeconds:0} s, where the elector waits {expected.WorstCaseDetection.TotalSeconds:0} s; {renders}): an old leader can be Ready next to the new one";
    }

    /// <summary>
    /// <c>/readyz</c> on the elector's port, or a mesh's rewrite of that probe, which keeps the path's end and sends it on
    /// (Istio's <c>/app-health/CONTAINER/readyz</c> on its status port, Kuma's <c>/PORT/readyz</c> on its probe port).
    /// </summary>
    private static bool AsksReadyz(V1HTTPGetAction get, V1Container elector) =>
        get.Path == ElectorHttp.ReadyPath
            ? get.Port?.Value is ElectorHttp.PortName || get.Port?.Value == Port(elector)
            : get.Path?.EndsWith(ElectorHttp.ReadyPath, StringComparison.Ordinal) == true;

    private static string? Env(V1Container container, string name) => container.Env?.FirstOrDefault(e => e.Name == name)?.Value?.Trim();

    private static string? Port(V1Container container) =>
        container.Ports?.FirstOrDefault(p => p.Name == ElectorHttp.PortName)?.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

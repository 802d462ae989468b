namespace SingleActive.Contract;

/// <summary>The elector readinessProbe the webhook renders; the safety bound depends on it.</summary>
public sealed record ReadinessProbeTimings(int PeriodSeconds, int FailureThreshold, int TimeoutSeconds)
{
    /// <summary>Period 1 s, one failure, 1 s timeout: a stale leader turns unready within 2 s at worst.</summary>
    public static readonly ReadinessProbeTimings Default = new(PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 1);

    /// <summary>
    /// Longest time from the elector starting to answer 503 until the kubelet marks the pod unready:
    /// up to <c>failureThreshold</c> probes, a period apart, the last of which may take the full timeout.
    /// </summary>
    public TimeSpan WorstCaseDetection => TimeSpan.FromSeconds((PeriodSeconds * FailureThreshold) + TimeoutSeconds);
}

using System.Diagnostics.CodeAnalysis;

namespace SingleActive.Contract;

/// <summary>The elector readinessProbe the webhook renders; the safety bound depends on it.</summary>
public sealed record ReadinessProbeTimings(int PeriodSeconds, int FailureThreshold, int TimeoutSeconds)
{
    /// <summary>Period 1 s, one failure, 1 s timeout: a stale leader turns unready within 2 s at worst.</summary>
    public static readonly ReadinessProbeTimings Default = new(PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 1);

    /// <summary>The longest period a pod may set (<c>single-active.io/probe-period</c>): one hour.</summary>
    public const int MaxPeriodSeconds = 3600;

    /// <summary>Whether <paramref name="period"/> can be a probe's <c>periodSeconds</c>: whole seconds, 1 s to <see cref="MaxPeriodSeconds"/>.</summary>
    public static bool IsPeriod(TimeSpan period) =>
        period >= TimeSpan.FromSeconds(1) && period <= TimeSpan.FromSeconds(MaxPeriodSeconds) && period.Ticks % TimeSpan.TicksPerSecond == 0;

    /// <summary>
    /// These timings with the period <paramref name="text"/> gives, written as a duration the way
    /// <c>single-active.io/probe-period</c> and <c>SINGLE_ACTIVE_PROBE_PERIOD</c> are (<c>1s</c>, <c>2</c>: see
    /// <see cref="Duration.TryParse"/>). False, with <paramref name="timings"/> null, when the text is no duration or
    /// no <see cref="IsPeriod">period</see> a probe can have. The one reading of both; the webhook, the elector and the
    /// injected-probe check must agree on it.
    /// </summary>
    public bool TryWithPeriod(string text, [NotNullWhen(true)] out ReadinessProbeTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(text);
        timings = Duration.TryParse(text, out var period) && IsPeriod(period) ? this with { PeriodSeconds = (int)period.TotalSeconds } : null;
        return timings is not null;
    }

    /// <summary>
    /// Longest time from the elector starting to answer 503 until the kubelet marks the pod unready:
    /// up to <c>failureThreshold</c> probes, a period apart, the last of which may take the full timeout.
    /// </summary>
    public TimeSpan WorstCaseDetection => TimeSpan.FromSeconds((PeriodSeconds * FailureThreshold) + TimeoutSeconds);

    /// <summary>
    /// The longest a leader's voluntary release waits for its kubelet to have recorded it not ready (readiness mode):
    /// <see cref="WorstCaseDetection"/> plus 1 s for the kubelet's status write and the watch event that shows it
    /// (3 s for the default probe). docs/elector.md, "A voluntary release waits for its own kubelet".
    /// </summary>
    public TimeSpan KubeletCatchUp => WorstCaseDetection + TimeSpan.FromSeconds(1);
}

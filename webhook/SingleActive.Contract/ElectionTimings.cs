namespace SingleActive.Contract;

/// <summary>
/// Lease timings shared by the webhook (which renders and validates overrides) and the elector
/// (which refuses to start on invalid ones).
/// </summary>
/// <remarks>
/// <para><b>Safety bound.</b> Let <c>t</c> be the moment a leader sent its last successful renew.
/// The elector answers <c>/readyz</c> 200 only until <c>t + RenewDeadline</c>; the kubelet notices
/// the 503 at most <see cref="ReadinessProbeTimings.WorstCaseDetection"/> later. Another replica
/// saw that renew no earlier than <c>t</c> and, judging by its own monotonic clock, may acquire
/// only <c>LeaseDuration</c> after seeing it. So no two replicas are Ready at once when</para>
/// <code>RenewDeadline + probe period × failure threshold + probe timeout &lt; LeaseDuration</code>
/// <para>With the defaults: 10 s + 1 s × 1 + 1 s = 12 s &lt; 15 s, a 3 s margin for clock-rate drift
/// and the kubelet's status write.</para>
/// </remarks>
public sealed record ElectionTimings(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod)
{
    public static readonly ElectionTimings Default = new(
        LeaseDuration: TimeSpan.FromSeconds(15),
        RenewDeadline: TimeSpan.FromSeconds(10),
        RetryPeriod: TimeSpan.FromSeconds(2));

    /// <summary>client-go's jitter factor: the renew deadline must leave room for a jittered retry.</summary>
    public const double RetryJitterFactor = 1.2;

    /// <summary>
    /// The shortest retry period accepted. Every replica calls the API server about once per retry period (the leader
    /// renews, each standby reads the Lease), so the election's own load on the API server and etcd grows as it
    /// shrinks, while neither a failover (a lease duration) nor a handover (watched) gets faster in the usual case. The
    /// fastest timings the safety bound allows still fit above it: lease 3s, renew deadline 900ms, retry period 500ms
    /// with a 1s probe.
    /// </summary>
    public static readonly TimeSpan MinRetryPeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The election's own consistency rules: lease &gt; renew deadline &gt; 1.2 × retry period, a lease duration of whole
    /// seconds, and a retry period of at least <see cref="MinRetryPeriod"/>.
    /// </summary>
    /// <returns>One message per broken rule, naming it with the values; empty when the timings are consistent.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RetryPeriod < MinRetryPeriod)
        {
            errors.Add($"retry period ({Duration.Format(RetryPeriod)}) must be at least {Duration.Format(MinRetryPeriod)}: every replica calls the API server once per retry period, " +
                "and a shorter one loads the API server and etcd without making a failover or a handover faster in the usual case; raise it");
        }

        if (LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0 || LeaseDuration < TimeSpan.FromSeconds(1))
        {
            errors.Add($"lease duration ({Duration.Format(LeaseDuration)}) must be a whole number of seconds, at least 1s: a Lease stores leaseDurationSeconds");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            errors.Add($"lease duration ({Duration.Format(LeaseDuration)}) must be greater than the renew deadline ({Duration.Format(RenewDeadline)})");
        }

        if (RenewDeadline.TotalMilliseconds <= RetryJitterFactor * RetryPeriod.TotalMilliseconds)
        {
            errors.Add($"renew deadline ({Duration.Format(RenewDeadline)}) must be greater than {RetryJitterFactor} × retry period ({Duration.Format(RetryPeriod)})");
        }

        return errors;
    }

    /// <summary>How many times a release's longest kubelet wait the renew deadline should be, so that the release's write still fits after it.</summary>
    public const double QuickReleaseFactor = 1.5;

    /// <summary>
    /// Why a readiness-mode handover may be slow with these timings (not unsafe: a warning, never a denial); null when it
    /// is quick. A leader that releases voluntarily first waits up to <see cref="ReadinessProbeTimings.KubeletCatchUp"/>
    /// for its kubelet, and that wait and the release's Lease write share the renew deadline: below
    /// <see cref="QuickReleaseFactor"/> × that wait, a slow kubelet leaves no time for the write, and the standbys take
    /// over only when the Lease expires instead of at once.
    /// </summary>
    public string? SlowReleaseProblem(ReadinessProbeTimings probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var wait = probe.KubeletCatchUp;
        var needed = TimeSpan.FromSeconds(wait.TotalSeconds * QuickReleaseFactor);
        return RenewDeadline >= needed
            ? null
            : $"a leader that steps down or hands over first waits up to {Duration.Format(wait)} for its kubelet to probe it not ready " +
              $"(probe period {probe.PeriodSeconds}s × {probe.FailureThreshold} + timeout {probe.TimeoutSeconds}s + 1s), and that wait and the release share " +
              $"the renew deadline of {Duration.Format(RenewDeadline)}, less than {QuickReleaseFactor} × {Duration.Format(wait)} = {Duration.Format(needed)}: " +
              $"a slow kubelet leaves no time for the release, and the standbys then take over only when the Lease expires ({Duration.Format(LeaseDuration)}) instead of at once";
    }

    /// <summary>
    /// <see cref="Validate()"/> plus the safety bound for the given probe (see remarks); the message
    /// spells out the inequality with the numbers filled in.
    /// </summary>
    public IReadOnlyList<string> Validate(ReadinessProbeTimings probe)
    {
        var errors = new List<string>(Validate());
        var readyFor = RenewDeadline + probe.WorstCaseDetection;
        if (readyFor >= LeaseDuration)
        {
            errors.Add(
                $"unsafe timings: renew deadline + probe period × failure threshold + probe timeout must be less than lease duration, " +
                $"but {Duration.Format(RenewDeadline)} + {probe.PeriodSeconds}s × {probe.FailureThreshold} + {probe.TimeoutSeconds}s = {Duration.Format(readyFor)} " +
                $"is not less than {Duration.Format(LeaseDuration)}: a leader cut off from the API server could still be Ready when another replica acquires the Lease");
        }

        return errors;
    }
}

using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>What the election loop needs: who campaigns, and the validated timings.</summary>
public sealed record ElectionSettings(string Identity, ElectionTimings Timings)
{
    /// <summary>
    /// How stale the loop's heartbeat may get before <c>/healthz</c> fails: one API call may take
    /// up to the renew deadline (its timeout), and a wait lasts at most a jittered retry period.
    /// </summary>
    public TimeSpan LivenessWindow => Timings.RenewDeadline + (2 * Timings.RetryPeriod) + TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one acquire or renew attempt may take before it is abandoned (which replaces the API
    /// connections): a third of the renew deadline (3.3 s by default). A healthy attempt takes
    /// milliseconds; a renew that starts a retry period after the last success still gets two more
    /// attempts, and a standby whose connections froze tries a new one after this long instead of
    /// after a whole call deadline.
    /// </summary>
    public TimeSpan AttemptTimeout => Timings.RenewDeadline / 3;

    /// <summary>
    /// How long after it was decided a new term of this replica's, seen written only after its attempt was abandoned, is
    /// still taken up as it is: half the renew deadline (5 s by default), leaving its first renew, due a retry period
    /// after the term was sent (at once when that has passed), as long again to land. An older one is followed by a
    /// newer term instead.
    /// </summary>
    public TimeSpan TakeUpWindow => Timings.RenewDeadline / 2;

    /// <summary>
    /// How long a Lease released for a directed handover is only the chosen replica's, timed by each replica from
    /// when it saw the release: two retry periods (4 s by default), so a chosen replica whose watch is down still
    /// finds it by polling, while one that died meanwhile leaves the workload without a leader for no longer.
    /// </summary>
    public TimeSpan HandoverWindow => Timings.RetryPeriod * 2;
}

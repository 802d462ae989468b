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
}

using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>How long the election loop waits before its next round.</summary>
internal sealed class RoundPacing(ElectionTimings timings, Random random)
{
    /// <summary>
    /// A leader: a retry period from the start of the round. A standby: a jittered retry period (client-go's jitter,
    /// so standbys do not hit the API server in lockstep), or exactly until the term it waits out expires when that
    /// comes sooner — an expiry is acted on the moment it happens, not a poll later.
    /// </summary>
    /// <param name="leading">This replica leads.</param>
    /// <param name="untilTermExpires">Time left of the term seen last (<c>null</c>: none runs).</param>
    /// <param name="sinceRoundStart">How long the round that just ended took.</param>
    /// <returns>The wait; zero or negative: none.</returns>
    public TimeSpan NextWait(bool leading, TimeSpan? untilTermExpires, TimeSpan sinceRoundStart)
    {
        if (leading)
        {
            return timings.RetryPeriod - sinceRoundStart;
        }

        var period = timings.RetryPeriod * (1 + (random.NextDouble() * (ElectionTimings.RetryJitterFactor - 1)));
        return untilTermExpires is { } untilExpiry && untilExpiry > TimeSpan.Zero && untilExpiry < period
            ? untilExpiry
            : period - sinceRoundStart;
    }
}

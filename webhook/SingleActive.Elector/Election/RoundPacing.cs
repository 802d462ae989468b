using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>How long the election loop waits before its next round.</summary>
internal sealed class RoundPacing(ElectionTimings timings, Random random)
{
    /// <summary>
    /// When a leader's round counts as started: when it began, or, when it renewed or took up a term written by an
    /// attempt it had abandoned before the round (<see cref="TermRounds"/>: sustained write latency), when that write was
    /// decided. Such a term needs its next renew that much sooner: it is due a retry period after the write.
    /// </summary>
    /// <param name="started">The monotonic start of the round.</param>
    /// <param name="renewedBefore">The election's last renew start before the round.</param>
    /// <param name="renewed">The same after it.</param>
    public static long LeadersRoundStart(long started, long renewedBefore, long renewed) =>
        renewed != renewedBefore && renewed < started ? renewed : started;

    /// <summary>
    /// A leader: a retry period from the start of the round (<see cref="LeadersRoundStart"/>). A standby: a jittered retry period (client-go's jitter,
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

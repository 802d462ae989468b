using SingleActive.Core.Leases;

namespace SingleActive.Elector.Election;

/// <summary>
/// The acquire or renew attempt in flight (one at a time: the election loop's), bounded by its timeout and ended early
/// by <see cref="EndIfEarlierWriteLanded"/>. The lock is the elector's, which guards the election too.
/// </summary>
/// <param name="answerGrace">How long an acquire attempt whose own new term was seen written still waits for its answer.</param>
internal sealed class LeaseAttempt(LeaseRound round, Lock gate, TimeProvider time, TimeSpan answerGrace)
{
    private CancellationTokenSource? inFlight;
    private long inFlightSince;

    /// <summary>
    /// Under the elector's lock: a write of this replica's, decided at <paramref name="decidedAt"/> (monotonic), was seen
    /// written (<see cref="LeaseChange.OwnTermLanded"/>, <see cref="LeaseChange.OwnRenewLanded"/>). When it is an
    /// earlier attempt's, abandoned, the attempt in flight is ended without waiting for it: written on a resourceVersion
    /// that is gone it can only conflict, and under sustained write latency waiting for it would cost the term the time
    /// its next renew needs. The attempt in flight's own write is left to its answer, which usually follows the watch
    /// event by milliseconds; a new term's (<paramref name="newTerm"/>) only for the answer grace: the replica leads once
    /// its attempt ends, and an answer lost with its connection would otherwise keep it from leading for the whole
    /// attempt timeout.
    /// </summary>
    /// <returns>False when no attempt is in flight.</returns>
    public bool EndIfEarlierWriteLanded(long decidedAt, bool newTerm)
    {
        if (inFlight is null)
        {
            return false;
        }

        if (decidedAt < inFlightSince)
        {
            _ = inFlight.CancelAsync();
        }
        else if (newTerm)
        {
            inFlight.CancelAfter(answerGrace);
        }

        return true;
    }

    /// <summary>One <see cref="LeaseRound.AttemptAsync"/>, which times out after <paramref name="timeout"/> or ends at <see cref="EndIfEarlierWriteLanded"/>.</summary>
    public async Task<LeaseRoundOutcome> RunAsync(LeaseRecord? own, bool leadingNow, TimeSpan timeout, CancellationToken stop)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var ended = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timer.Token, ended.Token);
        lock (gate)
        {
            (inFlight, inFlightSince) = (ended, time.GetTimestamp());
        }

        try
        {
            return await round.AttemptAsync(own, leadingNow, linked.Token, stop).ConfigureAwait(false);
        }
        finally
        {
            lock (gate)
            {
                inFlight = null;
            }
        }
    }
}

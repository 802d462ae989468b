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
    private TimeSpan inFlightTimeout;

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
            _ = inFlight.CancelAsync(); // Its callbacks run on the thread pool, not here under the lock; its token is cancelled now.
        }
        else if (newTerm && time.GetElapsedTime(inFlightSince) + answerGrace < inFlightTimeout)
        {
            inFlight.CancelAfter(answerGrace);
        }

        return true;
    }

    /// <summary>
    /// One <see cref="LeaseRound.AttemptAsync"/>, which times out after <paramref name="timeout"/> or ends at
    /// <see cref="EndIfEarlierWriteLanded"/>. Its calls hold the attempt's own token, not one linked to it: a linked token
    /// is cancelled only when the callbacks of the one it follows run, and the lock leaves those to the thread pool, so
    /// a call would look unended in between.
    /// </summary>
    public async Task<LeaseRoundOutcome> RunAsync(LeaseRecord? own, bool leadingNow, TimeSpan timeout, CancellationToken stop)
    {
        using var attemptEnd = new CancellationTokenSource(timeout, time);
        using var onStop = stop.UnsafeRegister(static attempt => ((CancellationTokenSource)attempt!).Cancel(), attemptEnd);
        lock (gate)
        {
            (inFlight, inFlightSince, inFlightTimeout) = (attemptEnd, time.GetTimestamp(), timeout);
        }

        try
        {
            return await round.AttemptAsync(own, leadingNow, attemptEnd.Token, stop).ConfigureAwait(false);
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

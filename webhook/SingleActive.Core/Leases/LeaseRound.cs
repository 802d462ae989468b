namespace SingleActive.Core.Leases;

/// <summary>
/// The I/O of the election: one read-decide-write round on the Lease with a resourceVersion precondition, and the
/// release. What to write is the campaign's decision (<see cref="ILeaseCampaign"/>, deciding with
/// <see cref="LeaseElection"/>); a conflict (409) means someone else wrote first and won the round.
/// </summary>
public sealed class LeaseRound(ILeaseStore store, ILeaseCampaign campaign)
{
    /// <summary>
    /// One round. A standby reads first; a leader writes on the record it last wrote (<paramref name="own"/>) and
    /// reads only after a conflict (someone touched the Lease, maybe only its labels), then tries once more.
    /// </summary>
    /// <param name="own">The record this replica last wrote for its term; <c>null</c> reads first.</param>
    /// <param name="leadingNow">A renew (this replica leads) rather than an acquire.</param>
    /// <param name="cancellationToken">Ends the attempt: when it fires before <paramref name="stop"/>, the outcome is a timeout.</param>
    /// <param name="stop">The caller's shutdown: its cancellation is thrown, not reported.</param>
    /// <returns>The outcome; API failures are reported in it (<see cref="LeaseRoundOutcome.Error"/>), never thrown.</returns>
    public async Task<LeaseRoundOutcome> AttemptAsync(LeaseRecord? own, bool leadingNow, CancellationToken cancellationToken, CancellationToken stop)
    {
        var call = LeaseCall.Get;
        try
        {
            var current = own;
            if (!leadingNow || current is null)
            {
                var mark = campaign.ReadMark;
                current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
                campaign.Observe(current, mark);
            }

            for (var round = 0; round < 2; round++)
            {
                if (leadingNow && !campaign.IsLeading)
                {
                    return default; // What was just read removed the Lease: the campaign stepped down.
                }

                if (campaign.Decide(current, leadingNow) is not { } write)
                {
                    return new LeaseRoundOutcome(null, null, current?.HolderIdentity, null, null);
                }

                if (current is null)
                {
                    call = LeaseCall.Create;
                    try
                    {
                        return new LeaseRoundOutcome(await store.CreateAsync(write.Record, cancellationToken).ConfigureAwait(false), write.PreviousHolder, null, null, null);
                    }
                    catch (LeaseConflictException)
                    {
                        return default;
                    }
                }

                call = LeaseCall.Update;
                try
                {
                    var written = await store.ReplaceAsync(write.Record, cancellationToken).ConfigureAwait(false);
                    return new LeaseRoundOutcome(written, write.PreviousHolder, null, null, null);
                }
                catch (LeaseConflictException) when (leadingNow && round == 0)
                {
                    call = LeaseCall.Get;
                    var mark = campaign.ReadMark;
                    current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
                    campaign.Observe(current, mark);
                }
                catch (LeaseConflictException)
                {
                    return default; // Someone else wrote first: they won this round.
                }
            }

            return default;
        }
        catch (OperationCanceledException e) when (!stop.IsCancellationRequested)
        {
            return new LeaseRoundOutcome(null, null, null, call, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new LeaseRoundOutcome(null, null, null, call, e);
        }
    }

    /// <summary>
    /// Writes <paramref name="release"/> of the record this replica last wrote (resourceVersion precondition, so a
    /// Lease someone else took is never touched); on a conflict reads again and retries once while the Lease still
    /// names <paramref name="identity"/>.
    /// </summary>
    /// <returns>The released record; <c>null</c> when the Lease no longer named this replica, or the retry lost too.</returns>
    /// <exception cref="Exception">The store's failures (API errors, timeouts) are thrown to the caller.</exception>
    public async Task<LeaseRecord?> ReleaseAsync(LeaseRecord own, string identity, Func<LeaseRecord, LeaseRecord> release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        LeaseRecord? current = own;
        for (var round = 0; round < 2 && current?.HolderIdentity == identity; round++)
        {
            try
            {
                return await store.ReplaceAsync(release(current), cancellationToken).ConfigureAwait(false);
            }
            catch (LeaseConflictException)
            {
                current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }
}

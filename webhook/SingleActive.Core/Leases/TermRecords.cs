namespace SingleActive.Core.Leases;

/// <summary>
/// The Lease records one replica writes for its terms (<see cref="LeaseElection"/> decides whether it may): a new term,
/// a renew, a release. Times written are informational (wall clock); the epoch of a new term comes from what was seen.
/// </summary>
/// <param name="identity">This replica's holder identity (the pod name).</param>
/// <param name="leaseDurationSeconds">The lease duration this replica writes, in seconds.</param>
/// <param name="seen">What this replica has seen of the Lease (<see cref="LeaseObservation.NextEpoch"/>).</param>
/// <param name="time">The clock of <c>acquireTime</c> and <c>renewTime</c> (<see cref="TimeProvider.GetUtcNow"/>).</param>
public sealed class TermRecords(string identity, int leaseDurationSeconds, LeaseObservation seen, TimeProvider time)
{
    /// <summary>Whether a write now continues this replica's term rather than starting a new one.</summary>
    public bool Continues(LeaseRecord? current, bool leadingNow) => leadingNow && current?.HolderIdentity == identity;

    /// <summary>
    /// The record to write: a renew of this replica's term, or a new term. A new term (even after a restart of this
    /// same pod) gets a new epoch, above every epoch seen (also when the Lease was deleted and is created anew), so an
    /// app fencing on leaseTransitions never confuses two tenures.
    /// </summary>
    /// <param name="current">The Lease as read (its resourceVersion is the write's precondition), or <c>null</c>: create it.</param>
    /// <param name="leadingNow">This replica leads (a renew).</param>
    /// <param name="previousHolder">Whom a new term succeeds (<see cref="LeaseObservation.PreviousHolderOf"/>).</param>
    /// <param name="controlsOfNewTerm">The annotations a new term writes; by default those of <paramref name="current"/>.</param>
    public LeaseRecord Desired(LeaseRecord? current, bool leadingNow, string? previousHolder, Func<LeaseRecord?, LeaseControls?>? controlsOfNewTerm = null)
    {
        var now = time.GetUtcNow();
        var continuing = Continues(current, leadingNow);
        return new LeaseRecord(
            identity,
            leaseDurationSeconds,
            continuing ? current!.AcquireTime : now,
            now,
            continuing ? current!.LeaseTransitions : seen.NextEpoch(current),
            current?.ResourceVersion,
            continuing ? current!.PreviousHolder : previousHolder,
            continuing || controlsOfNewTerm is null ? current?.Controls : controlsOfNewTerm(current));
    }

    /// <summary>
    /// <paramref name="current"/> given up for a quick handover: holder cleared, lease duration 1 s
    /// (<see cref="LeaseRecord.IsRelease"/>), at its resourceVersion. The releaser names itself: a successor that did
    /// not see this term (started later, or missed it) still knows whom it succeeds.
    /// </summary>
    public LeaseRecord Released(LeaseRecord current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current with { HolderIdentity = null, LeaseDurationSeconds = LeaseRecord.ReleasedLeaseDurationSeconds, RenewTime = time.GetUtcNow(), PreviousHolder = identity };
    }
}

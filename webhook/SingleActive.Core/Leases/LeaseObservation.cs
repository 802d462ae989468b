namespace SingleActive.Core.Leases;

/// <summary>
/// What this replica has seen of the Lease, and when by its own monotonic clock: the state last
/// seen, the term that may still be running, the last holder and the highest epoch. Not
/// thread-safe: its <see cref="LeaseElection"/> is used under its owner's lock.
/// </summary>
/// <remarks>
/// A Lease that disappears, or loses its holder without a release (<see cref="LeaseRecord.IsRelease"/>),
/// does not end the term it carried: its holder may still be serving without knowing yet (its node
/// may have lost the control plane). So the term seen last keeps running, timed from the moment
/// this replica saw it change, until it would have expired; and the epoch of a re-created Lease
/// continues from the highest one seen instead of restarting at 0.
/// </remarks>
public sealed class LeaseObservation(TimeProvider time)
{
    public bool HasObserved { get; private set; }

    /// <summary>The Lease as last seen (<c>null</c>: absent).</summary>
    public LeaseRecord? Current { get; private set; }

    /// <summary>Monotonic timestamp of the last change of <see cref="Current"/> (client-go's <c>observedTime</c>).</summary>
    public long ChangedAt { get; private set; }

    /// <summary>
    /// The last held state seen, while its term may still run: <c>null</c> once a release was seen.
    /// Equal to <see cref="Current"/> while the Lease is held; outlives it when the Lease is deleted
    /// or its holder cleared by someone else.
    /// </summary>
    public LeaseRecord? Term { get; private set; }

    /// <summary>Monotonic timestamp of the last change of <see cref="Term"/>.</summary>
    public long TermSince { get; private set; }

    /// <summary>The holder of the last held state seen, kept after a release or a deletion.</summary>
    public string? LastHolder { get; private set; }

    /// <summary>The highest leaseTransitions seen (<c>null</c>: none yet); the next term's epoch is above it.</summary>
    public int? HighestTransitions { get; private set; }

    /// <summary>How many states were taken in; a read notes it before its request is sent (<see cref="Record(LeaseRecord?, long)"/>).</summary>
    public long Count { get; private set; }

    /// <summary>How often a read showed the Lease gone back in time (see <see cref="Record(LeaseRecord?, long)"/>).</summary>
    public long Rewinds { get; private set; }

    private bool termOutlivesRewind; // Term is the one seen before a rewind to a state that holds none: its holder may still serve.

    /// <summary>Takes in a state known to be current when it arrives (a write's answer, a watch event); <c>false</c> when it is older than the one already seen (a late watch event) and was ignored.</summary>
    public bool Record(LeaseRecord? record) => Take(record, countBeforeRead: null);

    /// <summary>Takes in a state a read returned; <c>false</c> when it is older than the one already seen and was ignored.</summary>
    /// <param name="record">The state read (<c>null</c>: absent).</param>
    /// <param name="countBeforeRead">
    /// <see cref="Count"/> when the read was sent. A present state is ordered by its resourceVersion; an absent Lease
    /// has none (a GET answers 404 with no version), so an absence read while another state was taken in (this
    /// replica's own create, a watch event) may predate that state and is ignored: a real deletion still arrives as
    /// a watch event, a failed renew or the next read.
    /// </param>
    /// <remarks>
    /// A present state older than one taken in <b>before the read was sent</b> is not a late answer: a read without a
    /// resourceVersion is served from etcd by quorum (the API conventions' "most recent"), so it returns at least every
    /// state committed before it was sent. Then the store went back in time — etcd restored from a snapshot without
    /// <c>--bump-revision</c> (etcd's recovery guide) — and every later read would be older too: ignoring them would
    /// freeze <see cref="ChangedAt"/>, and a term renewed all along would look expired to whoever decides on such a
    /// read. So it is taken in as a change seen now (<see cref="Rewinds"/> counts it): a held term starts over from
    /// now, a restored release or cleared holder leaves the term seen last running from now (its holder may serve until
    /// its next renew fails), and <see cref="HighestTransitions"/> keeps the highest epoch seen, so a new term still goes
    /// above it.
    /// </remarks>
    public bool Record(LeaseRecord? record, long countBeforeRead) => Take(record, countBeforeRead);

    private bool Take(LeaseRecord? record, long? countBeforeRead)
    {
        var rewound = false;
        if (Current is not null && (record is null ? countBeforeRead is { } mark && Count != mark : record.IsOlderThan(Current)))
        {
            if (record is null || countBeforeRead != Count)
            {
                return false; // A late watch event, or an answer that crossed a newer state on its way.
            }

            rewound = true;
            Rewinds++;
        }

        Count++;

        if (!HasObserved || rewound || !LeaseRecord.SameElection(Current, record))
        {
            var now = time.GetTimestamp();
            ChangedAt = now;
            HasObserved = true;
            termOutlivesRewind = rewound && record?.IsHeld != true && Term is not null;
            if (record?.IsHeld == true)
            {
                Term = record;
                TermSince = now;
                LastHolder = record.HolderIdentity;
            }
            else if (rewound)
            {
                // A release (or a cleared holder) in the restored state is not news of the term seen last: its holder may
                // have served until the restore and serve until its next renew fails. That term runs a lease duration
                // from now (none runs if none was seen).
                TermSince = now;
            }
            else if (record?.IsRelease == true)
            {
                Term = null;
            }
        }

        if (record is not null)
        {
            HighestTransitions = Math.Max(HighestTransitions ?? 0, record.LeaseTransitions);
        }

        Current = record;
        return true;
    }

    /// <summary>The epoch of a new term: above every epoch seen, so fencing on it never goes backwards.</summary>
    public int NextEpoch(LeaseRecord? current) =>
        HighestTransitions is null && current is null ? 0 : Math.Max(HighestTransitions ?? 0, current?.LeaseTransitions ?? 0) + 1;

    /// <summary>
    /// Whom a new term succeeds: the holder of a Lease taken after expiry; the releaser named on a
    /// released Lease (the annotation survives restarts and replicas that missed the holder), unless a
    /// term seen later still runs (a store restored to an older release: that term's holder is the one
    /// that may still serve); otherwise the last holder this replica saw.
    /// </summary>
    public string? PreviousHolderOf(LeaseRecord? current) =>
        current?.IsHeld == true ? current.HolderIdentity
        : current?.IsRelease == true ? (termOutlivesRewind ? Term?.HolderIdentity : null) ?? current.PreviousHolder ?? LastHolder
        : LastHolder ?? current?.PreviousHolder;
}

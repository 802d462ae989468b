namespace SingleActive.Core.Leases;

/// <summary>What a state of the Lease meant to <see cref="LeaseElection.Observe"/>.</summary>
public enum LeaseChange
{
    /// <summary>Taken in; nothing worth saying.</summary>
    Recorded,

    /// <summary>Older than a state already seen (a late watch event): ignored.</summary>
    Stale,

    /// <summary>
    /// A read older than a state seen before it was sent: the API server's store went back in time (etcd restored from a
    /// snapshot). Taken in as a change seen now (<see cref="LeaseObservation.Record(LeaseRecord?, long)"/>).
    /// </summary>
    Rewound,

    /// <summary>Someone else's term appeared.</summary>
    OtherHolder,

    /// <summary>The Lease was deleted, or its holder cleared without a release: the term seen last keeps running until it would have expired.</summary>
    TermOutlivesLease,

    /// <summary>
    /// A renew of this replica's term whose answer never came (its attempt was abandoned) turned out to have been written:
    /// the term goes on from when that renew was decided (<see cref="UnansweredWrites.AddRenew"/>).
    /// </summary>
    OwnRenewLanded,

    /// <summary>
    /// A term this replica tried to start, and never heard back about, was written (<see cref="LeaseElection.LandedOwnTerm"/>):
    /// it is this replica's to take up, not a stranger's to wait out.
    /// </summary>
    OwnTermLanded,
}

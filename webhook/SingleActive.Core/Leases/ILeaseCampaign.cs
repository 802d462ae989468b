namespace SingleActive.Core.Leases;

/// <summary>
/// What <see cref="LeaseRound"/> asks of the campaign it runs a round for. Each call takes the campaign's own lock
/// (the round holds none across its API calls).
/// </summary>
public interface ILeaseCampaign
{
    /// <summary>Still leads: a state just read may have shown the Lease removed, which ends the term.</summary>
    bool IsLeading { get; }

    /// <summary>Noted before each read and given back with its answer to <see cref="Observe"/> (<see cref="LeaseObservation.Count"/>).</summary>
    long ReadMark { get; }

    /// <summary>Takes in a state the round read, sent at <paramref name="readMark"/> (<see cref="LeaseElection.Observe"/>).</summary>
    void Observe(LeaseRecord? record, long readMark);

    /// <summary>
    /// The write this replica may make now on <paramref name="current"/> (<c>null</c>: the Lease is absent, create
    /// it), with whom a new term succeeds; <c>null</c> when the rules say wait (<see cref="LeaseElection.Allows"/>,
    /// plus the campaign's own).
    /// </summary>
    LeaseWrite? Decide(LeaseRecord? current, bool leadingNow);
}

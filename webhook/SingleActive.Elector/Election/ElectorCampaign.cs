using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Election;

/// <summary>
/// The elector's side of a <see cref="LeaseRound"/>: what this replica may write — the election's rules
/// (<see cref="LeaseElection.Allows"/>), then, when it does not lead, the operator's (<see cref="OperatorControls"/>)
/// and maintenance's (<see cref="MaintenanceState"/>) — and what a state of the Lease it reads means (logged). Calls
/// take the elector's lock, which guards <paramref name="election"/>. A term of this replica's seen written after its
/// attempt was abandoned is not written over within <paramref name="takeUpWindow"/> of its decision
/// (<see cref="ElectionSettings.TakeUpWindow"/>): the round leads in it as it is. <paramref name="ownWriteLanded"/> is called, under
/// the lock, when a watched state shows a new term or a renew of this replica's, whose attempt was abandoned, written
/// after all (a read's state is the round's own to act on).
/// </summary>
internal sealed class ElectorCampaign(LeaseElection election, Lock gate, OperatorControls controls, MaintenanceState maintenance, TimeProvider time, TimeSpan takeUpWindow, ILogger logger, Action<LeaseRecord?, long> observe, Action<LeaseChange, long> ownWriteLanded)
    : ILeaseCampaign
{
    public bool IsLeading
    {
        get
        {
            lock (gate)
            {
                return election.IsLeading;
            }
        }
    }

    /// <summary>The text logged for a failed call: its message chain, or "timed out" for the attempt's own timeout.</summary>
    public static string ErrorTextOf(Exception error) => error is OperationCanceledException ? "timed out" : ErrorText.Of(error);

    public long ReadMark
    {
        get
        {
            lock (gate)
            {
                return election.Seen.Count;
            }
        }
    }

    /// <summary>Feeds what a round read to the elector (which may step down or wake).</summary>
    public void Observe(LeaseRecord? record, long readMark) => observe(record, readMark);

    public LeaseWrite? Decide(LeaseRecord? current, bool leadingNow)
    {
        lock (gate)
        {
            if (!leadingNow && election.LandedOwnTerm(takeUpWindow) is not null)
            {
                return null; // Led in as it is, by the round that read it (TermRounds.TakeUpLandedTerm).
            }

            if (!leadingNow && election.Unanswered.LandedTerm(current)?.Term is { } landed)
            {
                // This replica's own new term, written by an attempt whose answer was lost: a newer term over it starts
                // the leadership now (the operator's and maintenance's checks passed for that attempt; the Lease names
                // this replica as holder). It succeeds the holder that attempt succeeded, whom it fences.
                Log.LostTakeoverLanded(logger, landed.LeaseTransitions);
                return NewTerm(current, landed.PreviousHolder);
            }

            if (!election.Allows(current, leadingNow) || (!leadingNow && !(controls.AllowsTakeover(current, time.GetElapsedTime(election.Seen.ChangedAt)) && !DefersTakeover(current))))
            {
                return null;
            }

            var previousHolder = election.Seen.PreviousHolderOf(current);
            return leadingNow ? Renew(current, previousHolder) : NewTerm(current, previousHolder);
        }
    }

    /// <summary>The leader's write, remembered until answered when it renews the term (<see cref="UnansweredWrites.AddRenew"/>). Under the lock.</summary>
    private LeaseWrite Renew(LeaseRecord? current, string? previousHolder)
    {
        var write = new LeaseWrite(election.Desired(current, leadingNow: true, previousHolder, controls.ControlsOfNewTerm), previousHolder);
        if (election.Continues(current, leadingNow: true))
        {
            election.Unanswered.AddRenew(write.Record);
        }

        return write;
    }

    /// <summary>A new term over <paramref name="current"/>, remembered until answered (<see cref="UnansweredWrites.LandedTerm"/>). Under the lock.</summary>
    private LeaseWrite NewTerm(LeaseRecord? current, string? previousHolder)
    {
        var write = new LeaseWrite(election.Desired(current, leadingNow: false, previousHolder, controls.ControlsOfNewTerm), previousHolder);
        election.Unanswered.AddNewTerm(write.Record);
        return write;
    }

    /// <summary>Takes in a state under the elector's lock and logs what it means.</summary>
    /// <param name="record">The state (<c>null</c>: absent).</param>
    /// <param name="readMark">For a state read, <see cref="ReadMark"/> before the read was sent; <c>null</c> for one known to be current (a watch event).</param>
    /// <param name="roundRead">A read of a <see cref="LeaseRound"/>, which acts on what it read itself.</param>
    /// <returns><c>false</c> when the state may be older than one already seen and was ignored.</returns>
    public bool ObserveLocked(LeaseRecord? record, long? readMark, bool roundRead = false)
    {
        var term = election.Seen.Term;
        switch (readMark is { } mark ? election.Observe(record, mark) : election.Observe(record))
        {
            case LeaseChange.Stale:
                return false;
            case LeaseChange.Rewound:
                Log.LeaseRewound(logger, record?.ResourceVersion ?? "(absent)", record?.HolderIdentity ?? "nobody");
                break;
            case LeaseChange.OtherHolder when !KubernetesNames.IsDnsSubdomain(record!.HolderIdentity):
                Log.LeaseHeldByAnotherProgram(logger, record.HolderIdentity!);
                break;
            case LeaseChange.OtherHolder:
                Log.LeaderObserved(logger, record!.HolderIdentity!);
                break;
            case LeaseChange.OwnRenewLanded when !roundRead:
                ownWriteLanded(LeaseChange.OwnRenewLanded, election.LastRenewStart);
                break;
            case LeaseChange.OwnTermLanded when !roundRead && election.LandedOwnTerm() is { } landed:
                ownWriteLanded(LeaseChange.OwnTermLanded, landed.DecidedAt);
                break;
            case LeaseChange.TermOutlivesLease:
                Log.TermOutlivesLease(logger, term!.HolderIdentity!, record is null ? "deleted" : "holder cleared");
                break;
        }

        return true;
    }

    /// <summary>How long the Lease has been free (a held one: since its term expired), for <see cref="MaintenanceState.DefersTakeover"/>.</summary>
    private bool DefersTakeover(LeaseRecord? current)
    {
        var sinceChange = time.GetElapsedTime(election.Seen.ChangedAt);
        return maintenance.DefersTakeover(current?.IsHeld == true ? sinceChange - election.ExpiryOf(current) : sinceChange);
    }
}

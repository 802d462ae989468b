using SingleActive.Core.Leases;

namespace SingleActive.Elector.Election;

/// <summary>
/// Whether this replica may serve: it leads, its last successful renew started less than the renew deadline ago,
/// it is neither stopping nor retired, and its term's readiness gate is open (the previous holder is fenced). Not
/// thread-safe: <see cref="LeaderElector"/> uses it under its lock.
/// </summary>
/// <remarks>
/// Computed on every read from the start of the last successful renew, so it turns false on time even when the loop
/// is stuck in a hanging API call: the write that renewed happened after that start, and any other replica saw it no
/// later, so none can acquire before <c>start + lease duration</c>; readiness ends at <c>start + renew deadline</c>.
/// </remarks>
internal sealed class TermReadiness(LeaseElection election, IReadinessGate? readinessGate, TimeSpan renewDeadline)
{
    /// <summary>SIGTERM arrived (or the loop ended): never ready again.</summary>
    public bool Stopping { get; set; }

    /// <summary>The pod is being deleted: never ready, never campaigning again.</summary>
    public bool Retired { get; set; }

    /// <summary>Leads, and the last successful renew started less than the renew deadline ago.</summary>
    public bool IsFresh => election.RenewedWithin(renewDeadline);

    /// <summary>This term's readiness gate is open (always, without one).</summary>
    public bool GateOpen => readinessGate is null || (election.OwnEpoch is { } epoch && readinessGate.IsOpen(epoch));

    public bool IsReady => IsFresh && !Stopping && !Retired && GateOpen;

    /// <summary>What this replica knows of the election, for <c>/status</c>.</summary>
    public ElectionStatus Status()
    {
        var record = election.IsLeading ? election.Own : election.Seen.Current;
        return new ElectionStatus(
            election.Identity,
            record?.IsHeld == true ? record.HolderIdentity : null,
            IsFresh,
            election.Seen.HighestTransitions ?? 0,
            record?.IsHeld == true ? record.AcquireTime : null,
            record?.RenewTime,
            IsFresh && !GateOpen,
            election.Seen.Rewinds);
    }
}

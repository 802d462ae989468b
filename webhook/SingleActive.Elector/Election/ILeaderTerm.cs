using SingleActive.Core.Leases;

namespace SingleActive.Elector.Election;

/// <summary>What a handover needs of the running election (<see cref="LeaderElector"/>); each member takes its lock.</summary>
internal interface ILeaderTerm
{
    /// <summary>The Lease as last seen while it still carries this replica's current term, else <c>null</c>.</summary>
    LeaseRecord? OwnTermAsSeen();

    /// <summary>This replica rewrote its own term's annotations: the next renew starts from <paramref name="written"/>.</summary>
    void Rewrote(LeaseRecord written);

    /// <summary>A handover release failed: this replica still holds its term and may retake it at once.</summary>
    void AllowRetake();

    /// <summary>A write won a new term: leads from <paramref name="attemptStart"/> (monotonic), telling the observer.</summary>
    void BecomeLeader(LeaseRecord record, string? previousHolder, long attemptStart);

    /// <summary>Stops leading (readiness first), telling the observer.</summary>
    void Lose(LeadershipLossReason reason, string? newHolder);

    /// <summary>Holds a voluntary release until the pod's kubelet has seen this replica not ready (readiness mode).</summary>
    Task AwaitKubeletAsync(LeadershipLossReason reason, CancellationToken cancellationToken);

    /// <summary>Feeds a state of the Lease this replica wrote.</summary>
    void Observe(LeaseRecord? record);
}

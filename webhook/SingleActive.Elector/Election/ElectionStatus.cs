namespace SingleActive.Elector.Election;

/// <summary>A consistent snapshot of what this replica knows about the election.</summary>
/// <param name="Identity">This replica (the pod name).</param>
/// <param name="Leader">The holder of the Lease as last seen, or <c>null</c> when nobody holds it.</param>
/// <param name="IsLeader">This replica leads and its last successful renew is younger than the renew deadline.</param>
/// <param name="LeaseTransitions">The Lease's epoch as last seen: each new term increments it, so apps can fence stale writes with it.</param>
/// <param name="AcquiredAt">The current term's acquireTime (the holder's wall clock).</param>
/// <param name="LastRenewedAt">The Lease's renewTime as last seen (the holder's wall clock).</param>
/// <param name="AwaitingFence">Leads with a fresh renew, but is not ready yet: the previous holder's pod is not yet marked not ready.</param>
/// <param name="LeaseRewinds">How often a read showed the Lease older than a state seen before it was sent: the API server's store went back in time (<c>LeaseObservation.Rewinds</c>).</param>
public sealed record ElectionStatus(
    string Identity,
    string? Leader,
    bool IsLeader,
    int LeaseTransitions,
    DateTimeOffset? AcquiredAt,
    DateTimeOffset? LastRenewedAt,
    bool AwaitingFence = false,
    long LeaseRewinds = 0);

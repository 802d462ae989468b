namespace SingleActive.Elector.Leases;

/// <summary>
/// The part of a <c>coordination.k8s.io/v1</c> Lease the election reads and writes, with the
/// <c>resourceVersion</c> it was read at (the precondition for the next write).
/// </summary>
/// <remarks>
/// <see cref="AcquireTime"/> and <see cref="RenewTime"/> are the writer's wall clock and are only
/// informational: expiry is judged by the reader's own monotonic clock (see <c>LeaderElector</c>).
/// </remarks>
public sealed record LeaseRecord(
    string? HolderIdentity,
    int LeaseDurationSeconds,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaseTransitions,
    string? ResourceVersion = null)
{
    public bool IsHeld => !string.IsNullOrEmpty(HolderIdentity);

    /// <summary>
    /// Whether two reads show the same election state. The resourceVersion is ignored on purpose:
    /// it also moves when someone edits labels or annotations, which says nothing about the holder
    /// being alive; only a new renewTime (or holder, duration, epoch) does.
    /// </summary>
    public static bool SameElection(LeaseRecord? a, LeaseRecord? b) =>
        a is null || b is null
            ? a is null && b is null
            : a with { ResourceVersion = null } == b with { ResourceVersion = null };
}

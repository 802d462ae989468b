using System.Globalization;

namespace SingleActive.Core.Leases;

/// <summary>
/// The part of a <c>coordination.k8s.io/v1</c> Lease the election reads and writes, with the
/// <c>resourceVersion</c> it was read at (the precondition for the next write).
/// </summary>
/// <remarks>
/// <see cref="AcquireTime"/> and <see cref="RenewTime"/> are the writer's wall clock and are only
/// informational: expiry is judged by the reader's own monotonic clock (see <see cref="LeaseElection"/>).
/// <see cref="PreviousHolder"/> is the <c>single-active.io/previous-holder</c> annotation: the
/// holder before the current one, or, on a released Lease, the replica that released it.
/// <see cref="Controls"/> are the operator's annotations and the handover outcome; <c>null</c> leaves the Lease's
/// annotations as they are on a write.
/// </remarks>
public sealed record LeaseRecord(
    string? HolderIdentity,
    int LeaseDurationSeconds,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaseTransitions,
    string? ResourceVersion = null,
    string? PreviousHolder = null,
    LeaseControls? Controls = null)
{
    /// <summary>The lease duration an elector writes when it releases the Lease (with the holder cleared).</summary>
    public const int ReleasedLeaseDurationSeconds = 1;

    public bool IsHeld => !string.IsNullOrEmpty(HolderIdentity);

    /// <summary>
    /// Given up by its holder for a quick handover: no holder and a lease duration of 1 s, as the
    /// elector releases. A holder cleared any other way (an administrator, another tool) is not a
    /// release: the replica that held it may not know and still serve.
    /// </summary>
    public bool IsRelease => !IsHeld && LeaseDurationSeconds == ReleasedLeaseDurationSeconds;

    /// <summary>
    /// Whether two reads show the same election state. The resourceVersion is ignored on purpose:
    /// it also moves when someone edits labels or annotations, which says nothing about the holder
    /// being alive; only a new renewTime (or holder, duration, epoch) does. So are the
    /// <see cref="Controls"/>: pausing or asking for a handover is no sign of life either.
    /// </summary>
    public static bool SameElection(LeaseRecord? a, LeaseRecord? b) =>
        a is null || b is null
            ? a is null && b is null
            : a with { ResourceVersion = null, Controls = null } == b with { ResourceVersion = null, Controls = null };

    /// <summary>
    /// This state was written before <paramref name="other"/> (a watch event that arrives after the
    /// response to a later write). Resource versions of one resource compare as integers
    /// (KEP-5504, guaranteed since Kubernetes 1.35 and true of every etcd-backed release before);
    /// when either is not an integer, nothing is known and the answer is <c>false</c>.
    /// </summary>
    public bool IsOlderThan(LeaseRecord other) =>
        RevisionOf(ResourceVersion) is { } mine && RevisionOf(other.ResourceVersion) is { } theirs && mine < theirs;

    /// <summary>
    /// <paramref name="resourceVersion"/> as the integer it is compared by (see <see cref="IsOlderThan"/>), or
    /// <c>null</c> when it is not one (then nothing is known about its order).
    /// </summary>
    public static ulong? RevisionOf(string? resourceVersion) =>
        ulong.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : null;
}

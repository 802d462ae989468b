using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>
/// Told about what the operator controls on the Lease do here (directed handover, pause), and about this replica's
/// candidacy, which it advertises on its pod. Called on the election loop, sometimes under its lock: implementations
/// must return at once and do their I/O elsewhere.
/// </summary>
public interface IOperatorObserver
{
    /// <summary>
    /// Whether this replica could take the Lease now (its app is healthy, its node is not draining); called when that
    /// changes, and once at start. <paramref name="reason"/> is the condition's reason, <paramref name="why"/> says it in words.
    /// Also called when <paramref name="leading"/> changes: the pod's deletion cost follows it.
    /// </summary>
    void OnCandidacyChanged(bool candidate, string reason, string why, bool leading);

    /// <summary>This replica wrote <paramref name="record"/> to the Lease: it refused or started a handover, or ended one by taking the Lease.</summary>
    void OnHandover(HandoverRecord record);

    /// <summary>The Lease was paused or resumed (also: seen paused at start-up).</summary>
    void OnPauseChanged(bool paused, bool leading);

    /// <summary>
    /// This replica would have taken the Lease (free, released or expired) but failover is paused; once per pause.
    /// <paramref name="lastHolder"/> is who held it last.
    /// </summary>
    void OnTakeoverPaused(string? lastHolder);
}

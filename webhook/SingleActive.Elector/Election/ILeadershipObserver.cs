using SingleActive.Core.Leases;

namespace SingleActive.Elector.Election;

/// <summary>
/// Told about leadership changes (Events, pod labels). Called on the election loop: implementations
/// must return at once and do their I/O elsewhere, so a slow API server never delays a renew.
/// </summary>
public interface ILeadershipObserver
{
    void OnElected(LeaseRecord record, string? previousHolder);

    void OnLost(LeadershipLossReason reason, string? newHolder);
}

using System.Collections.Concurrent;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>Remembers every leadership change it was told about, in order, and passes it on to <paramref name="next"/>.</summary>
public sealed class RecordingObserver(ILeadershipObserver? next = null) : ILeadershipObserver
{
    public ConcurrentQueue<string> Changes { get; } = new();

    public void OnElected(LeaseRecord record, string? previousHolder)
    {
        Changes.Enqueue($"elected:{record.LeaseTransitions}:{previousHolder ?? "-"}");
        next?.OnElected(record, previousHolder);
    }

    public void OnLost(LeadershipLossReason reason, string? newHolder)
    {
        Changes.Enqueue($"lost:{reason}:{newHolder ?? "-"}");
        next?.OnLost(reason, newHolder);
    }
}

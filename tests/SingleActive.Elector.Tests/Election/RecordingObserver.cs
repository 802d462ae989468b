using System.Collections.Concurrent;
using SingleActive.Elector.Election;
using SingleActive.Elector.Leases;

namespace SingleActive.Elector.Tests.Election;

/// <summary>Remembers every leadership change it was told about, in order.</summary>
public sealed class RecordingObserver : ILeadershipObserver
{
    public ConcurrentQueue<string> Changes { get; } = new();

    public void OnElected(LeaseRecord record, string? previousHolder) => Changes.Enqueue($"elected:{record.LeaseTransitions}:{previousHolder ?? "-"}");

    public void OnLost(LeadershipLossReason reason, string? newHolder) => Changes.Enqueue($"lost:{reason}:{newHolder ?? "-"}");
}

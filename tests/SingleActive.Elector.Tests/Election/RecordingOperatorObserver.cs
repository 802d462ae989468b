using System.Collections.Concurrent;
using SingleActive.Contract;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>Remembers what it was told, in order, and advertises candidacy straight into <paramref name="pods"/> (as the advertiser's write would).</summary>
public sealed class RecordingOperatorObserver(string identity, FakeCandidatePods pods) : IOperatorObserver
{
    public ConcurrentQueue<string> Notes { get; } = new();

    public ConcurrentQueue<HandoverRecord> Handovers { get; } = new();

    public void OnCandidacyChanged(bool candidate, string reason, string why, bool leading)
    {
        Notes.Enqueue($"candidacy:{candidate}:{reason}");
        pods.AdvertiseAsync(identity, candidate, reason, reason == PodConditions.CandidateReady ? "healthy" : "the check answered unhealthy", leading, DateTimeOffset.UnixEpoch, CancellationToken.None);
    }

    public void OnHandover(HandoverRecord record)
    {
        Handovers.Enqueue(record);
        Notes.Enqueue($"handover:{HandoverRecord.Format(record.Outcome)}:{record.Target ?? "-"}");
    }

    public void OnPauseChanged(bool paused, bool leading) => Notes.Enqueue($"pause:{paused}:{(leading ? "leader" : "standby")}");

    public void OnTakeoverPaused(string? lastHolder) => Notes.Enqueue($"takeover-paused:{lastHolder ?? "-"}");
}

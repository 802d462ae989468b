using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Election;

public sealed class OperatorControlsTests
{
    private static readonly ElectionSettings Settings = new("web-1", ElectionTimings.Default);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeCandidatePods pods = new();
    private readonly RecordingOperatorObserver observer;
    private readonly OperatorControls controls;

    public OperatorControlsTests()
    {
        pods.Add("web-1");
        observer = new RecordingOperatorObserver("web-1", pods);
        controls = new OperatorControls(Settings, time, observer, new ElectorMetrics(), NullLogger.Instance);
    }

    [Fact]
    public void AllowsTakeover_PausedLeaseOfAnotherHolder_RefusedAndReportedOnce()
    {
        var paused = new LeaseRecord(null, 1, null, null, 3, "5", PreviousHolder: "web-0", Controls: new LeaseControls(Paused: true));

        Assert.False(controls.AllowsTakeover(paused, TimeSpan.FromMinutes(1)));
        Assert.False(controls.AllowsTakeover(paused, TimeSpan.FromMinutes(2)));

        Assert.Equal(["takeover-paused:web-0"], observer.Notes);
    }

    [Fact]
    public void AllowsTakeover_PausedLeaseThisReplicaHeldLast_Allowed()
    {
        var paused = new LeaseRecord("web-1", 15, null, null, 3, "5", Controls: new LeaseControls(Paused: true));

        Assert.True(controls.AllowsTakeover(paused, TimeSpan.Zero));
    }

    [Fact]
    public void AllowsTakeover_ReleaseHandedToAnotherReplica_OnlyAfterTheHandoverWindow()
    {
        var handed = new LeaseRecord(null, 1, null, null, 3, "5", PreviousHolder: "web-0", Controls: new LeaseControls("web-2"));

        Assert.False(controls.AllowsTakeover(handed, Settings.HandoverWindow - TimeSpan.FromMilliseconds(1)));
        Assert.True(controls.AllowsTakeover(handed, Settings.HandoverWindow));
    }

    [Fact]
    public void Track_PauseLiftedOnAStandby_WakesItAndTellsTheObserver()
    {
        var paused = new LeaseRecord(null, 1, null, null, 3, "5", Controls: new LeaseControls(Paused: true));
        Assert.False(controls.Track(null, paused, leading: false));
        Assert.True(controls.IsPaused);

        Assert.True(controls.Track(paused, paused with { Controls = LeaseControls.None }, leading: false));

        Assert.False(controls.IsPaused);
        Assert.Equal(["pause:True:standby", "pause:False:standby"], observer.Notes);
    }

    [Fact]
    public void Track_NewRequestOnTheLeader_WakesIt()
    {
        var held = new LeaseRecord("web-1", 15, null, null, 3, "5", Controls: LeaseControls.None);

        Assert.True(controls.Track(held, held with { Controls = new LeaseControls("web-2") }, leading: true));
    }

    [Fact]
    public void KeepsLeadingWhilePaused_OnlyWhilePaused()
    {
        Assert.False(controls.KeepsLeadingWhilePaused());
        controls.Track(null, new LeaseRecord("web-1", 15, null, null, 3, "5", Controls: new LeaseControls(Paused: true)), leading: true);

        Assert.True(controls.KeepsLeadingWhilePaused());
    }

    [Fact]
    public void ControlsOfNewTerm_ChosenReplicaTakesTheHandedLease_RecordsDoneAndReportsItOnceWon()
    {
        var pending = new HandoverRecord("web-1", "web-1", "web-0", HandoverOutcome.InProgress, "handing over", time.GetUtcNow());
        var released = new LeaseRecord(null, 1, null, null, 3, "5", Controls: new LeaseControls("web-1", LastHandover: pending));

        var written = controls.ControlsOfNewTerm(released)!;
        controls.ReportHandoverEnded(new LeaseRecord("web-1", 15, null, null, 4, "6", Controls: written));

        Assert.Null(written.PreferredHolder);
        Assert.Equal(HandoverOutcome.Done, written.LastHandover!.Outcome);
        Assert.Equal(HandoverOutcome.Done, Assert.Single(observer.Handovers).Outcome);
    }

    [Fact]
    public void AdvertiseCandidacy_Unchanged_ToldOnce()
    {
        controls.AdvertiseCandidacy((true, PodConditions.CandidateReady, "its app is healthy"), leading: false);
        controls.AdvertiseCandidacy((true, PodConditions.CandidateReady, "its app is healthy"), leading: false);

        Assert.Single(observer.Notes);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

public sealed class HandoversTests
{
    private static readonly ElectionSettings Settings = new("web-0", ElectionTimings.Default);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLeaseServer server = new();
    private readonly FakeCandidatePods pods = new();
    private readonly RecordingOperatorObserver observer;
    private readonly LeaseElection election;
    private readonly RecordingLeaderTerm term;
    private readonly Handovers handovers;

    public HandoversTests()
    {
        pods.Add("web-0");
        observer = new RecordingOperatorObserver("web-0", pods);
        election = new LeaseElection(Settings.Identity, Settings.Timings.LeaseDuration, time);
        term = new RecordingLeaderTerm(election);
        var metrics = new ElectorMetrics();
        var controls = new OperatorControls(Settings, time, observer, metrics, NullLogger.Instance);
        handovers = new Handovers(Settings, server.Connect(), time, new OperatorSupport(pods, observer), controls, metrics, NullLogger.Instance, term, new ReleaseWrites(Settings, time, new WakeSignal(time), metrics, NullLogger.Instance));
    }

    [Fact]
    public async Task HandleRequestAsync_NoRequest_NothingDone()
    {
        Lead(LeaseControls.None);

        Assert.False(await handovers.HandleRequestAsync(CancellationToken.None));
        Assert.Empty(term.Calls);
    }

    [Fact]
    public async Task HandleRequestAsync_PodDoesNotExist_RefusedAndTheRequestCleared()
    {
        Lead(new LeaseControls("web-9"));

        Assert.False(await handovers.HandleRequestAsync(CancellationToken.None));

        Assert.Null(server.Current!.Controls!.PreferredHolder);
        Assert.Equal(HandoverOutcome.Refused, server.Current.Controls.LastHandover!.Outcome);
        Assert.Equal(["rewrote"], term.Calls);
        Assert.Equal(HandoverOutcome.Refused, Assert.Single(observer.Handovers).Outcome);
    }

    [Fact]
    public async Task HandleRequestAsync_HealthyStandby_ReleasedToItAfterLosing()
    {
        pods.Add("web-1");
        await pods.AdvertiseAsync("web-1", true, PodConditions.CandidateReady, "healthy", false, DateTimeOffset.UnixEpoch, CancellationToken.None);
        Lead(new LeaseControls("web-1"));

        Assert.True(await handovers.HandleRequestAsync(CancellationToken.None));

        Assert.Equal(["lost:HandedOver:web-1", "kubelet"], term.Calls);
        Assert.True(server.Current!.IsRelease);
        Assert.Equal("web-1", server.Current.Controls!.PreferredHolder);
        Assert.Equal(HandoverOutcome.InProgress, server.Current.Controls.LastHandover!.Outcome);
    }

    private void Lead(LeaseControls controls)
    {
        var record = server.Put(new LeaseRecord("web-0", 15, time.GetUtcNow(), time.GetUtcNow(), 3, Controls: controls));
        election.Won(record, time.GetTimestamp());
    }
}

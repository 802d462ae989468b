using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.Succession;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

public sealed class PlannedHandoversTests
{
    private static readonly ElectionSettings Settings = new("web-0", ElectionTimings.Default);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLeaseServer server = new();
    private readonly FakeCandidatePods pods = new();
    private readonly LeaseElection election;
    private readonly RecordingLeaderTerm term;
    private readonly MaintenanceState maintenance;
    private readonly OperatorControls controls;
    private readonly PlannedHandovers planned;
    private readonly InMemoryLeaseClient client;

    public PlannedHandoversTests()
    {
        pods.Add("web-0", node: "n1");
        var observer = new RecordingOperatorObserver("web-0", pods);
        election = new LeaseElection(Settings.Identity, Settings.Timings.LeaseDuration, time);
        term = new RecordingLeaderTerm(election);
        var metrics = new ElectorMetrics();
        controls = new OperatorControls(Settings, time, observer, metrics, NullLogger.Instance);
        maintenance = new MaintenanceState(Settings, time, metrics, NullLogger.Instance);
        var planner = new SuccessionPlanner(pods, new FakeWorkloadRevisions(), null, DrainRules.Default, "web-0");
        var support = new OperatorSupport(pods, observer, planner);
        client = server.Connect();
        var handovers = new Handovers(Settings, client, time, support, controls, metrics, NullLogger.Instance, term, new ReleaseWrites(Settings, time, new WakeSignal(time), metrics, NullLogger.Instance));
        planned = new PlannedHandovers(Settings, time, planner, maintenance, controls, handovers, metrics, NullLogger.Instance, term);
        election.Won(server.Put(new LeaseRecord("web-0", 15, time.GetUtcNow(), time.GetUtcNow(), 3, Controls: LeaseControls.None)), time.GetTimestamp());
    }

    [Fact]
    public async Task HandleAsync_NothingGoingOn_KeepsLeading()
    {
        Assert.False(await planned.HandleAsync(CancellationToken.None));

        Assert.Empty(term.Calls);
        Assert.Equal("web-0", server.Current!.HolderIdentity);
    }

    [Fact]
    public async Task HandleAsync_NodeDrainsAndNobodyQualifies_BlockedRecordedOnce()
    {
        maintenance.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));

        Assert.False(await planned.HandleAsync(CancellationToken.None));
        Assert.False(await planned.HandleAsync(CancellationToken.None));

        Assert.Equal(["rewrote"], term.Calls);
        Assert.Equal(HandoverOutcome.Refused, server.Current!.Controls!.LastHandover!.Outcome);
    }

    [Fact]
    public async Task HandleAsync_BlockedReportNotWritten_ReportedInTheNextRound()
    {
        maintenance.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));
        client.NextReplaceFailures.Enqueue(new LeaseConflictException("changed since resourceVersion 3 (test)"));

        Assert.False(await planned.HandleAsync(CancellationToken.None));
        Assert.Null(server.Current!.Controls!.LastHandover);
        Assert.False(await planned.HandleAsync(CancellationToken.None));

        Assert.Equal(["rewrote"], term.Calls);
        Assert.Equal(HandoverOutcome.Refused, server.Current!.Controls!.LastHandover!.Outcome);
    }

    [Fact]
    public async Task SuccessorForReleaseAsync_Paused_AnOpenRelease()
    {
        controls.Track(null, server.Current! with { Controls = new LeaseControls(Paused: true) }, leading: true);

        Assert.Null(await planned.SuccessorForReleaseAsync());
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;

namespace SingleActive.Elector.Tests.Election;

public sealed class ElectorCampaignTests
{
    private static readonly ElectionSettings Settings = new("web-1", ElectionTimings.Default);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LeaseElection election;
    private readonly MaintenanceState maintenance;
    private readonly ElectorCampaign campaign;
    private readonly List<LeaseRecord?> observed = [];
    private readonly List<LeaseChange> landed = [];

    public ElectorCampaignTests()
    {
        election = new LeaseElection(Settings.Identity, Settings.Timings.LeaseDuration, time);
        var metrics = new ElectorMetrics();
        maintenance = new MaintenanceState(Settings, time, metrics, NullLogger.Instance);
        var controls = new OperatorControls(Settings, time, null, metrics, NullLogger.Instance);
        campaign = new ElectorCampaign(election, new Lock(), controls, maintenance, time, Settings.TakeUpWindow, NullLogger.Instance, (record, _) => observed.Add(record), (change, _) => landed.Add(change));
    }

    /// <summary>
    /// A term this replica tried to start and never heard back about, seen written: the watch and the watcher's read (after
    /// a reconnect) tell the loop; a round's own read does not (that round acts on it). Within the take-up window the
    /// round that read it does not write over it.
    /// </summary>
    [Fact]
    public void ObserveLocked_OwnUnansweredTermSeen_ToldUnlessARoundReadIt()
    {
        var free = new LeaseRecord(null, 1, null, null, 4, "9", PreviousHolder: "web-0");
        campaign.ObserveLocked(free, null);
        var tried = campaign.Decide(free, leadingNow: false)!.Record;
        var written = tried with { ResourceVersion = "10" };

        campaign.ObserveLocked(written, election.Seen.Count, roundRead: true);
        Assert.Empty(landed);
        Assert.Null(campaign.Decide(written, leadingNow: false)); // led in as it is, not written over

        campaign.ObserveLocked(written with { ResourceVersion = "11" }, election.Seen.Count); // the watcher's read
        campaign.ObserveLocked(written with { ResourceVersion = "12" }, null); // a watch event
        Assert.Equal([LeaseChange.OwnTermLanded, LeaseChange.OwnTermLanded], landed);
    }

    [Fact]
    public void Decide_ReleasedLease_ANewTermAboveTheEpochSeen()
    {
        var released = new LeaseRecord(null, 1, null, null, 4, "9", PreviousHolder: "web-0");
        campaign.ObserveLocked(released, null);

        var write = campaign.Decide(released, leadingNow: false)!;

        Assert.Equal("web-1", write.Record.HolderIdentity);
        Assert.Equal(5, write.Record.LeaseTransitions);
        Assert.Equal("web-0", write.PreviousHolder);
    }

    [Fact]
    public void Decide_PausedReleasedLease_StandbyWaits()
    {
        var paused = new LeaseRecord(null, 1, null, null, 4, "9", PreviousHolder: "web-0", Controls: new LeaseControls(Paused: true));
        campaign.ObserveLocked(paused, null);

        Assert.Null(campaign.Decide(paused, leadingNow: false));
    }

    [Fact]
    public void Decide_StandbyOnADrainingNode_LeavesAFreeLeaseToOthersForTheWindow()
    {
        maintenance.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));
        var released = new LeaseRecord(null, 1, null, null, 4, "9");
        campaign.ObserveLocked(released, null);

        Assert.Null(campaign.Decide(released, leadingNow: false));
        time.Advance(Settings.HandoverWindow);
        Assert.NotNull(campaign.Decide(released, leadingNow: false));
    }

    [Fact]
    public void ObserveLocked_OlderThanSeen_Ignored()
    {
        campaign.ObserveLocked(new LeaseRecord("web-0", 15, null, null, 4, "10"), null);

        Assert.False(campaign.ObserveLocked(new LeaseRecord("web-2", 15, null, null, 3, "9"), null));
    }

    [Theory]
    [InlineData("controller-host_0f6e2a9c", 77)]
    [InlineData("web-0", 9)]
    public void ObserveLocked_AnotherHolder_LoggedAsAnotherProgramWhenItCannotBeAPodsName(string holder, int eventId)
    {
        var logger = new EventIdLogger();
        var observing = new ElectorCampaign(election, new Lock(), new OperatorControls(Settings, time, null, new ElectorMetrics(), NullLogger.Instance), maintenance, time, Settings.TakeUpWindow, logger, (_, _) => { }, (_, _) => { });

        observing.ObserveLocked(new LeaseRecord(holder, 15, null, null, 4, "10"), null);
        observing.ObserveLocked(new LeaseRecord(holder, 15, null, null, 4, "11"), null);

        Assert.Equal([eventId], logger.EventIds);
    }

    [Fact]
    public void Observe_ARoundsRead_GoesToTheElector()
    {
        campaign.Observe(null, campaign.ReadMark);

        Assert.Equal([null], observed);
    }

    [Fact]
    public void ErrorTextOf_AttemptTimeout_TimedOut()
    {
        Assert.Equal("timed out", ElectorCampaign.ErrorTextOf(new OperationCanceledException()));
    }

    private sealed class EventIdLogger : ILogger
    {
        public List<int> EventIds { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => EventIds.Add(eventId.Id);
    }
}

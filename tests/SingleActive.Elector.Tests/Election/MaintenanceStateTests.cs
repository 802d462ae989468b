using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.Succession;

namespace SingleActive.Elector.Tests.Election;

public sealed class MaintenanceStateTests
{
    private static readonly ElectionSettings Settings = new("web-0", ElectionTimings.Default);

    private readonly FakeTimeProvider time = new();
    private readonly ElectorMetrics metrics = new();
    private readonly MaintenanceState state;

    public MaintenanceStateTests()
    {
        state = new MaintenanceState(Settings, time, metrics, NullLogger.Instance);
    }

    [Fact]
    public void Candidacy_NodeDraining_NotACandidateWithTheDrainsReason()
    {
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));

        Assert.Equal((false, PodConditions.CandidateNodeDraining, "node n1 is cordoned"), state.Candidacy(appHealthy: true));
    }

    [Fact]
    public void Candidacy_NodeUnreachable_NotACandidateWithItsOwnReason()
    {
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is unreachable", Unreachable: true));

        Assert.Equal((false, PodConditions.CandidateNodeUnreachable, "node n1 is unreachable"), state.Candidacy(appHealthy: true));
    }

    [Theory]
    [InlineData(true, true, PodConditions.CandidateReady)]
    [InlineData(false, false, PodConditions.CandidateAppUnhealthy)]
    public void Candidacy_NoDrain_FollowsTheAppsHealth(bool healthy, bool candidate, string reason)
    {
        var (isCandidate, why, _) = state.Candidacy(healthy);

        Assert.Equal(candidate, isCandidate);
        Assert.Equal(reason, why);
    }

    [Fact]
    public void TakeSuccessionCheck_NothingGoingOn_OncePerInterval()
    {
        Assert.True(state.TakeSuccessionCheck());
        Assert.False(state.TakeSuccessionCheck());

        time.Advance(state.SuccessionCheckInterval);

        Assert.True(state.TakeSuccessionCheck());
    }

    [Fact]
    public void TakeSuccessionCheck_Outdated_EveryRound()
    {
        state.SetOutdated(true);

        Assert.True(state.TakeSuccessionCheck());
        Assert.True(state.TakeSuccessionCheck());
    }

    /// <summary>
    /// A drain whose handover stays blocked (a node cordoned for days with no standby elsewhere): checked every round
    /// until found blocked, then after a retry period, doubling up to the interval; a change of the drain checks at once.
    /// </summary>
    [Fact]
    public void TakeSuccessionCheck_DrainBlocked_BacksOffToTheIntervalUntilTheDrainChanges()
    {
        var retry = Settings.Timings.RetryPeriod;
        var blocked = new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, "no standby", false);
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));
        Assert.True(state.TakeSuccessionCheck());
        Assert.True(state.TakeSuccessionCheck());

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            state.TakePlan(blocked);
            waits.Add(WaitForCheck());
        }

        Assert.Equal([retry, retry * 2, retry * 4, state.SuccessionCheckInterval, state.SuccessionCheckInterval], waits);

        state.TakePlan(blocked);
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 has taint ToBeDeletedByClusterAutoscaler"));
        Assert.True(state.TakeSuccessionCheck());
        Assert.True(state.TakeSuccessionCheck());
    }

    [Fact]
    public void TakeSuccessionCheck_DrainBlockedWhilePaused_ResumeChecksAtOnce()
    {
        var blocked = new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, "node n1 is cordoned, but failover is paused", false);
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));
        state.NotePaused(true);
        Assert.True(state.TakeSuccessionCheck());
        state.TakePlan(blocked);
        state.NotePaused(true);
        Assert.False(state.TakeSuccessionCheck());

        state.NotePaused(false);

        Assert.True(state.TakeSuccessionCheck());
    }

    [Fact]
    public void TakeSuccessionCheck_DrainBlockedThenARolloutOrAHandover_EveryRoundAgain()
    {
        var blocked = new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, "no standby", false);
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));
        Assert.True(state.TakeSuccessionCheck());
        state.TakePlan(blocked);
        state.SetOutdated(true);
        Assert.True(state.TakeSuccessionCheck());

        state.SetOutdated(false);
        Assert.False(state.TakeSuccessionCheck());
        state.TakePlan(new SuccessionPlan(SuccessionAction.HandOver, PlannedHandover.NodeDrain, "web-1", "node n1 is cordoned", false));
        Assert.True(state.TakeSuccessionCheck());
    }

    [Fact]
    public void TakePlan_SameBlockedReasonTwice_TakenOnceUntilTheDrainChanges()
    {
        var blocked = new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, "no standby", false);

        Assert.True(state.TakePlan(blocked));
        Assert.False(state.TakePlan(blocked));
        Assert.True(metrics.DrainHandoverBlocked);

        state.OnNodeDrainChanged(new NodeDrainState(false, "uncordoned"));

        Assert.False(metrics.DrainHandoverBlocked);
        Assert.True(state.TakePlan(blocked));
    }

    [Fact]
    public void TakePlan_BlockedReportLost_TakenAgain()
    {
        var blocked = new SuccessionPlan(SuccessionAction.Blocked, PlannedHandover.NodeDrain, null, "no standby", false);

        Assert.True(state.TakePlan(blocked));
        state.BlockedReportLost(blocked);

        Assert.True(state.TakePlan(blocked));
        Assert.False(state.TakePlan(blocked));
    }

    [Fact]
    public void DefersTakeover_DrainingNode_OnlyWithinTheHandoverWindow()
    {
        Assert.False(state.DefersTakeover(TimeSpan.Zero));
        state.OnNodeDrainChanged(new NodeDrainState(true, "node n1 is cordoned"));

        Assert.True(state.DefersTakeover(Settings.HandoverWindow - TimeSpan.FromMilliseconds(1)));
        Assert.False(state.DefersTakeover(Settings.HandoverWindow));
    }

    /// <summary>Advances the clock in 100 ms steps until a check is due; how long that took.</summary>
    private TimeSpan WaitForCheck()
    {
        var waited = TimeSpan.Zero;
        while (!state.TakeSuccessionCheck())
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            waited += TimeSpan.FromMilliseconds(100);
        }

        return waited;
    }
}

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
}

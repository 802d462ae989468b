using SingleActive.Contract;
using SingleActive.Elector.NodeDrain;
using static SingleActive.Elector.Tests.Election.LeaderElectorOperatorControlsTests;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// Handovers the leader starts by itself, on the fake clock: before its node is drained (to a standby on another node,
/// or nowhere, said once), and once per rollout to a standby of the newest template revision; a standby on a
/// draining node lets others take a free Lease first. Never two ready replicas.
/// </summary>
public sealed class LeaderElectorPlannedHandoverTests
{
    private static readonly NodeDrainState Cordoned = new(true, "node node-a is cordoned (spec.unschedulable)");

    [Fact]
    public async Task NodeDrain_HandsOverOnceToTheStandbyOnAnotherNode()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        cluster.CandidatePods!.Place("b", "node-a"); // c runs on node-c

        a.Elector.OnNodeDrainChanged(Cordoned);
        b.Elector.OnNodeDrainChanged(Cordoned);
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["c"], Endpoints(pods, a, b, c));
        Assert.Equal(1, cluster.MaxReadySeen);
        var done = cluster.Server.Current!.Controls!.LastHandover!;
        Assert.Equal((PlannedHandover.NodeDrain, "c", "a", HandoverOutcome.Done), (done.Requested, done.Target, done.From, done.Outcome));
        Assert.Equal(["handover:in-progress:c"], a.OperatorObserver!.Notes.Where(n => n.StartsWith("handover", StringComparison.Ordinal)));
        Assert.Equal((false, PodConditions.CandidateNodeDraining), (cluster.CandidatePods.Pods["a"].Candidate, cluster.CandidatePods.Pods["a"].CandidateReason));
        Assert.Equal(1, cluster.Server.Current.LeaseTransitions);
    }

    [Fact]
    public async Task NodeDrain_NoStandbyElsewhere_KeepsLeadingAndSaysWhyOnce()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        cluster.CandidatePods!.Place("b", "node-a");
        cluster.CandidatePods.Place("c", "node-a");

        a.Elector.OnNodeDrainChanged(Cordoned);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        Assert.Equal(["a"], Endpoints(pods, a, b, c));
        var refused = cluster.Server.Current!.Controls!.LastHandover!;
        Assert.Equal((PlannedHandover.NodeDrain, HandoverOutcome.Refused), (refused.Requested, refused.Outcome));
        Assert.Equal("node node-a is cordoned (spec.unschedulable), and no standby on another node can take over: pod b is on the same node; pod c is on the same node", refused.Reason);
        Assert.Single(a.OperatorObserver!.Handovers);
        Assert.True(a.Metrics.DrainHandoverBlocked);

        // A standby elsewhere shows up (the drain evicted one, its replacement runs on another node): the leader moves.
        cluster.CandidatePods!.Place("c", "node-c");
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));
        Assert.False(a.Metrics.DrainHandoverBlocked);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task Rollout_OutdatedLeader_HandsOverOnceToTheNewestRevisionWhenItCanTakeOver()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        c.Health.CanCampaign = false; // The updated pod is still starting.
        cluster.Revisions.Rollout(old: ["a", "b"], updated: ["c"]);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.Equal(["a"], Endpoints(pods, a, b, c));

        c.Health.CanCampaign = true;
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        Assert.Equal(["c"], Endpoints(pods, a, b, c));
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
        var done = cluster.Server.Current.Controls!.LastHandover!;
        Assert.Equal((PlannedHandover.Rollout, "c", HandoverOutcome.Done), (done.Requested, done.Target, done.Outcome));
    }

    [Fact]
    public async Task Rollout_LeaderDeletedFirst_ReleasesToTheNewestRevisionNotToAnOldStandby()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        cluster.Revisions.Rollout(old: ["a", "b"], updated: ["c"]);

        a.Elector.Retire();
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));

        Assert.Empty(b.Observer.Changes);
        Assert.DoesNotContain(cluster.Server.History, r => r?.HolderIdentity == "b");
        var done = cluster.Server.Current!.Controls!.LastHandover!;
        Assert.Equal((PlannedHandover.Rollout, "c", HandoverOutcome.Done), (done.Requested, done.Target, done.Outcome));
    }

    [Fact]
    public async Task NodeDrain_StandbyThere_LetsAStandbyElsewhereTakeAnExpiredLeaseFirst()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        b.Elector.OnNodeDrainChanged(new NodeDrainState(true, "node node-b is cordoned (spec.unschedulable)"));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        await cluster.KillAsync(a);
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.HolderIdentity is "b" or "c", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));

        Assert.Equal("c", cluster.Server.Current!.HolderIdentity);
        Assert.Equal((false, PodConditions.CandidateNodeDraining), (cluster.CandidatePods!.Pods["b"].Candidate, cluster.CandidatePods.Pods["b"].CandidateReason));
    }
}

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

    /// <summary>
    /// Only a release that happens anyway takes the kubelet's Ready for the elector's word: a leader that is not being
    /// deleted waits until the updated pod's elector says it can take over.
    /// </summary>
    [Fact]
    public async Task Rollout_OutdatedLeader_UpdatedPodReadyBeforeItsElectorSaidSo_KeepsLeadingUntilItDoes()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        c.Health.CanCampaign = false;
        cluster.CandidatePods!.Pods["c"] = cluster.CandidatePods.Pods["c"] with { Ready = true, Mode = "label" };
        cluster.Revisions.Rollout(old: ["a", "b"], updated: ["c"]);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        Assert.Equal(["a"], Endpoints(pods, a, b, c));
        Assert.Equal(0, cluster.Server.Current!.LeaseTransitions);

        c.Health.CanCampaign = true;
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
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

    /// <summary>
    /// The race a rollout runs in label mode: the kubelet reports the updated pod Ready (its app passed the kubelet's
    /// probe) and the old leader is deleted before that pod's elector has passed its own check of the same probe. The
    /// release still names it; it checks its app at once and takes the Lease; the old standby never does.
    /// </summary>
    [Fact]
    public async Task Rollout_LeaderDeletedFirst_UpdatedPodReadyBeforeItsElectorPassedItsCheck_NamedAndTakesIt()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        c.Health.CanCampaign = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(100));
        cluster.CandidatePods!.Pods["c"] = cluster.CandidatePods.Pods["c"] with { Ready = true, Mode = "label" };
        Assert.Equal((false, PodConditions.CandidateAppUnhealthy), (cluster.CandidatePods.Pods["c"].Candidate, cluster.CandidatePods.Pods["c"].CandidateReason));
        cluster.Revisions.Rollout(old: ["a", "b"], updated: ["c"]);

        a.Elector.Retire();
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.IsRelease == true, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10));

        Assert.Equal("c", cluster.Server.Current!.Controls!.PreferredHolder);
        Assert.True(c.Health.ChecksAskedFor > 0, "the named standby did not ask for a check of its app");
        Assert.Equal(0, b.Health.ChecksAskedFor);

        c.Health.CanCampaign = true; // Its check passed: the monitor wakes the elector.
        c.Elector.Wake();
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.HolderIdentity == "c", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));

        Assert.DoesNotContain(cluster.Server.History, r => r?.HolderIdentity == "b");
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
        var done = cluster.Server.Current.Controls!.LastHandover!;
        Assert.Equal((PlannedHandover.Rollout, "c", HandoverOutcome.Done), (done.Requested, done.Target, done.Outcome));
    }

    /// <summary>Two standbys of the new revision: the one whose elector has said it can take over is named, not the first by name.</summary>
    [Fact]
    public async Task Rollout_LeaderDeletedFirst_TwoUpdatedPods_TheOneThatSaidItCanTakeOverIsNamed()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        b.Health.CanCampaign = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(100));
        cluster.CandidatePods!.Pods["b"] = cluster.CandidatePods.Pods["b"] with { Ready = true, Mode = "label" };
        cluster.CandidatePods.Pods["c"] = cluster.CandidatePods.Pods["c"] with { Ready = true, Mode = "label" };
        cluster.Revisions.Rollout(old: ["a"], updated: ["b", "c"]);

        a.Elector.Retire();
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.HolderIdentity == "c", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));

        Assert.Equal("c", cluster.Server.History.Single(r => r?.IsRelease == true)!.Controls!.PreferredHolder);
        Assert.DoesNotContain(cluster.Server.History, r => r?.HolderIdentity == "b");
    }

    /// <summary>
    /// Not Ready, or Ready in readiness mode (where Ready means leading, not a healthy app): a standby whose elector has
    /// not said it can take over is not chosen; the release is open and the old standby takes it.
    /// </summary>
    [Theory]
    [InlineData(false, "label")]
    [InlineData(true, "readiness")]
    public async Task Rollout_LeaderDeletedFirst_UpdatedPodNotKnownHealthy_AnOpenRelease(bool ready, string mode)
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        c.Health.CanCampaign = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(100));
        cluster.CandidatePods!.Pods["c"] = cluster.CandidatePods.Pods["c"] with { Ready = ready, Mode = mode };
        cluster.Revisions.Rollout(old: ["a", "b"], updated: ["c"]);

        a.Elector.Retire();
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.HolderIdentity == "b", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));

        Assert.Null(cluster.Server.History.Single(r => r?.IsRelease == true)!.Controls?.PreferredHolder);
        Assert.Equal(0, c.Health.ChecksAskedFor);
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

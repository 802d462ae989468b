using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Tests.Kubernetes;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// Directed handover and pause on the fake clock: the operator annotates the Lease; the leader checks a request
/// against the candidates' pods and hands over (the chosen replica, and only it, takes the Lease and fences the
/// previous holder first) or refuses and keeps leading; a paused Lease is taken by nobody but its last holder.
/// </summary>
public sealed class LeaderElectorOperatorControlsTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Handover_ToAHealthyStandby_OnlyItTakesTheLeaseWithinASecondAndFencesThePreviousHolderFirst()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        bool? readyWhileFencing = null;
        pods.BeforeFence = _ => readyWhileFencing = c.IsReady;

        Request(cluster, "c");
        var waited = await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));

        Assert.True(waited < Second, $"took {waited}");
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.False(readyWhileFencing);
        Assert.Equal("a", Assert.Single(pods.Fences).Pod);
        Assert.Empty(b.Observer.Changes);
        Assert.DoesNotContain(cluster.Server.History, r => r?.HolderIdentity == "b");
        var lease = cluster.Server.Current!;
        Assert.Equal(("c", "a", 1), (lease.HolderIdentity, lease.PreviousHolder, lease.LeaseTransitions));
        Assert.Null(lease.Controls!.PreferredHolder);
        var done = lease.Controls.LastHandover!;
        Assert.Equal(("c", "c", "a", HandoverOutcome.Done), (done.Requested, done.Target, done.From, done.Outcome));
        Assert.Equal("c took the Lease from a", done.Reason);
        Assert.Equal(["handover:in-progress:c"], a.OperatorObserver!.Notes.Where(n => n.StartsWith("handover", StringComparison.Ordinal)));
        Assert.Equal(["handover:done:c"], c.OperatorObserver!.Notes.Where(n => n.StartsWith("handover", StringComparison.Ordinal)));
        Assert.Contains("lost:HandedOver:c", a.Observer.Changes);
        Assert.Equal(1, a.Metrics.Handovers("started"));
        Assert.Equal(1, c.Metrics.Handovers("done"));
    }

    [Fact]
    public async Task Handover_ToAny_ChoosesAStandbyThatCanTakeOver()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        b.Health.CanCampaign = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        Request(cluster, Annotations.AnyHolder);
        await cluster.AdvanceUntilAsync(() => Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10));

        var done = cluster.Server.Current!.Controls!.LastHandover!;
        Assert.Equal(("any", "c", HandoverOutcome.Done), (done.Requested, done.Target, done.Outcome));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Theory]
    [InlineData("c", "unhealthy", "the app of pod c is unhealthy (the check answered unhealthy)")]
    [InlineData("nope", "", "pod nope does not exist")]
    [InlineData("other", "", "pod other campaigns for Lease other-lease, not lease")]
    [InlineData("pending", "", "pod pending is Pending, not Running")]
    [InlineData("any", "unhealthy-all", "no other replica can take over: the app of pod b is unhealthy (the check answered unhealthy); the app of pod c is unhealthy (the check answered unhealthy)")]
    [InlineData("c", "read-error", "could not read the pods to check the request: connection refused (test)")]
    public async Task Handover_RequestCannotBeHonoured_RefusedWithTheReasonAndTheLeaderKeepsLeading(string target, string setup, string reason)
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        cluster.CandidatePods!.Add("other", lease: "other-lease");
        cluster.CandidatePods.Add("pending", phase: "Pending");
        c.Health.CanCampaign = setup is not ("unhealthy" or "unhealthy-all");
        b.Health.CanCampaign = setup != "unhealthy-all";
        cluster.CandidatePods.ReadError = setup == "read-error" ? "connection refused (test)" : null;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        var transitions = cluster.Server.Current!.LeaseTransitions;

        Request(cluster, target);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));

        Assert.Equal(["a"], Endpoints(pods, a, b, c));
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.Equal(["elected:0:-"], a.Observer.Changes);
        var lease = cluster.Server.Current!;
        Assert.Equal(("a", transitions), (lease.HolderIdentity, lease.LeaseTransitions));
        Assert.Null(lease.Controls!.PreferredHolder);
        var refused = lease.Controls.LastHandover!;
        Assert.Equal((target, "a", HandoverOutcome.Refused, reason), (refused.Requested, refused.From, refused.Outcome, refused.Reason));
        Assert.Equal(refused, Assert.Single(a.OperatorObserver!.Handovers));
        Assert.Equal(1, a.Metrics.Handovers("refused"));
    }

    [Fact]
    public async Task Handover_ToTheLeaderItself_DoneWithoutAChange()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);

        Request(cluster, "a");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        var record = cluster.Server.Current!.Controls!.LastHandover!;
        Assert.Equal((HandoverOutcome.Done, "a already leads"), (record.Outcome, record.Reason));
        Assert.Equal(["a"], Endpoints(pods, a, b, c));
        Assert.Equal(["elected:0:-"], a.Observer.Changes);
    }

    [Fact]
    public async Task Handover_ChosenReplicaDiesAfterTheRelease_AnotherTakesOverAfterTheWindowAndRecordsTheFailure()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);

        // c's connection is gone the moment the leader releases to it: it never takes the Lease.
        cluster.Server.BeforeWrite = _ => c.Client.Fault = LeaseFault.Fail;
        Request(cluster, "c");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        Assert.True(cluster.Server.Current!.IsRelease);

        var waited = await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.IsHeld == true, TimeSpan.FromSeconds(20));

        // Window: two retry periods (4 s) after the release was seen; standbys poll every ~2-2.4 s.
        Assert.InRange(waited, TimeSpan.FromSeconds(3.9), TimeSpan.FromSeconds(7.5));
        var lease = cluster.Server.Current!;
        Assert.NotEqual("c", lease.HolderIdentity);
        var failed = lease.Controls!.LastHandover!;
        Assert.Equal(("c", HandoverOutcome.Failed), (failed.Target, failed.Outcome));
        Assert.Equal($"c did not take the released Lease within 4s; {lease.HolderIdentity} took it", failed.Reason);
        Assert.Null(lease.Controls.PreferredHolder);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task Handover_WhilePaused_Refused()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        Pause(cluster, true);

        Request(cluster, "c");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        var refused = cluster.Server.Current!.Controls!.LastHandover!;
        Assert.Equal(HandoverOutcome.Refused, refused.Outcome);
        Assert.Equal("failover is paused (annotation single-active.io/paused on the Lease): resume it first", refused.Reason);
        Assert.Equal(["a"], Endpoints(pods, a, b, c));
    }

    [Fact]
    public async Task Pause_LeaderKilled_NobodyTakesTheExpiredLeaseUntilResumed()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        Pause(cluster, true);
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        Assert.Contains("pause:True:leader", a.OperatorObserver!.Notes);
        Assert.Equal(1, b.Metrics.Paused ? 1 : 0);

        await cluster.KillAsync(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
        Assert.Empty(cluster.Ready);
        Assert.Single(b.OperatorObserver!.Notes, "takeover-paused:a");
        Assert.Single(c.OperatorObserver!.Notes, "takeover-paused:a");

        Pause(cluster, false);
        var waited = await cluster.AdvanceUntilAsync(() => cluster.Ready.Any(), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));

        Assert.True(waited < Second, $"took {waited}");
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.Equal("a", Assert.Single(pods.Fences).Pod);
    }

    [Fact]
    public async Task Pause_LeaderReleasesOnShutdown_NobodyTakesItUntilResumed()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        Pause(cluster, true);

        await cluster.StopAsync(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.True(cluster.Server.Current!.IsRelease);
        Assert.Empty(cluster.Ready);

        Pause(cluster, false);
        await cluster.AdvanceUntilAsync(() => cluster.Ready.Any(), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task Pause_LeaderKeepsRenewingAndDoesNotStepDownForItsApp()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        Pause(cluster, true);
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var renewTime = cluster.Server.Current!.RenewTime;

        a.Health.CanCampaign = false;
        a.Health.ShouldStepDown = true;
        a.Elector.Wake();
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a"], Endpoints(pods, a, b, c));
        Assert.True(cluster.Server.Current!.RenewTime > renewTime);
        Assert.Equal(["elected:0:-"], a.Observer.Changes);

        Pause(cluster, false);
        await cluster.AdvanceUntilAsync(() => b.IsReady || c.IsReady, TimeSpan.FromSeconds(5));
        Assert.Contains("lost:AppUnhealthy:-", a.Observer.Changes);
        Assert.Contains("pause:False:leader", a.OperatorObserver!.Notes);
    }

    [Fact]
    public async Task Pause_TheLastHolderMayRetakeItsOwnLease()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await ThreeReplicasAsync(cluster, pods);
        Pause(cluster, true);

        // a's connection is cut long enough to lose its term; back, it retakes its own Lease (no failover).
        a.Client.Fault = LeaseFault.Fail;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(12));
        Assert.Empty(cluster.Ready);
        a.Client.Fault = LeaseFault.None;
        await cluster.AdvanceUntilAsync(() => a.IsReady, TimeSpan.FromSeconds(20));

        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
        Assert.Empty(b.Observer.Changes);
        Assert.Empty(c.Observer.Changes);
    }

    [Fact]
    public async Task Candidacy_AdvertisedAtStartAndWhenTheAppChanges()
    {
        var (cluster, pods) = NewCluster();
        await using var disposing = cluster;
        var (_, b, _) = await ThreeReplicasAsync(cluster, pods);

        b.Health.CanCampaign = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(["candidacy:True:Campaigning", "candidacy:False:AppUnhealthy"], b.OperatorObserver!.Notes.Where(n => n.StartsWith("candidacy", StringComparison.Ordinal)));
        Assert.False(cluster.CandidatePods!.Pods["b"].Candidate);
        Assert.True(cluster.CandidatePods.Pods["c"].Candidate);
    }

    internal static (ElectionCluster Cluster, RecordingPodApi Pods) NewCluster()
    {
        var pods = new RecordingPodApi();
        return (new ElectionCluster(pods: pods, candidatePods: new FakeCandidatePods()), pods);
    }

    /// <summary>a leads, b and c stand by, and every kubelet has reported: a is the one endpoint.</summary>
    internal static async Task<(Candidate A, Candidate B, Candidate C)> ThreeReplicasAsync(ElectionCluster cluster, RecordingPodApi pods)
    {
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        var c = cluster.Add("c");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(["a"], Endpoints(pods, a, b, c));
        return (a, b, c);
    }

    /// <summary>Each kubelet reports its elector's readiness; the pods Ready in the API (what a Service routes to).</summary>
    internal static IReadOnlyList<string> Endpoints(RecordingPodApi pods, params Candidate[] candidates)
    {
        foreach (var candidate in candidates.Where(c => !c.Killed))
        {
            pods.KubeletReports(candidate.Identity, candidate.IsReady);
        }

        Assert.True(pods.Endpoints.Count <= 1, string.Join(",", pods.Endpoints));
        return pods.Endpoints;
    }

    /// <summary><c>kubectl single-active handover</c>: the operator annotates the Lease.</summary>
    internal static void Request(ElectionCluster cluster, string preferredHolder)
    {
        var current = cluster.Server.Current!;
        cluster.Server.Put(current with { Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = preferredHolder } });
    }

    private static void Pause(ElectionCluster cluster, bool paused)
    {
        var current = cluster.Server.Current!;
        cluster.Server.Put(current with { Controls = (current.Controls ?? LeaseControls.None) with { Paused = paused } });
    }
}

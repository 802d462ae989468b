using System.Net;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// A directed handover's release is tried again like any release (<see cref="ReleaseWrites"/>): an API server blip or
/// a hanging attempt delays the handover by the pause or the attempt timeout, not by the renew deadline, and only the
/// chosen replica ever takes the Lease. Default timings: lease 15 s, renew deadline 10 s, retry period 2 s, attempt
/// timeout 3.3 s. Replicas a (leader), b and c; the operator asks for c.
/// </summary>
public sealed class LeaderElectorHandoverReleaseRetryTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(25);

    [Fact]
    public async Task Handover_ReleaseFailsOnAnApiServerBlip_TriedAgainAndTheChosenReplicaServesAfterOnePause()
    {
        var (cluster, pods) = LeaderElectorOperatorControlsTests.NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await LeaderElectorOperatorControlsTests.ThreeReplicasAsync(cluster, pods);

        a.Client.NextReplaceFailures.Enqueue(new KubeApiException(HttpStatusCode.ServiceUnavailable, "503 Service Unavailable: the server is shutting down"));
        LeaderElectorOperatorControlsTests.Request(cluster, "c");
        var waited = await cluster.AdvanceUntilAsync(() => LeaderElectorOperatorControlsTests.Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(20), Step);

        // One pause of 200 ms, then the release lands and c's watch takes it.
        Assert.InRange(waited, ReleasePacing.FirstPause - Step, ReleasePacing.FirstPause + (4 * Step));
        Assert.Equal(1, a.Metrics.ApiErrors("release"));
        AssertOnlyTheChosenReplicaTookIt(cluster, a);
    }

    [Fact]
    public async Task Handover_ReleaseAttemptHangs_AbandonedAfterTheAttemptTimeoutAndTriedAgainAtOnce()
    {
        var (cluster, pods) = LeaderElectorOperatorControlsTests.NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await LeaderElectorOperatorControlsTests.ThreeReplicasAsync(cluster, pods);

        a.Client.HangNext = 1;
        LeaderElectorOperatorControlsTests.Request(cluster, "c");
        var waited = await cluster.AdvanceUntilAsync(() => LeaderElectorOperatorControlsTests.Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(20), Step);

        // Was: the one write bounded by the renew deadline (10 s), then a retook its term and tried again a round later.
        var attemptTimeout = new ElectionSettings("a", ElectionTimings.Default).AttemptTimeout;
        Assert.InRange(waited, attemptTimeout - Step, attemptTimeout + (4 * Step));
        Assert.Equal(1, a.Metrics.ApiErrors("release"));
        AssertOnlyTheChosenReplicaTookIt(cluster, a);
    }

    [Fact]
    public async Task Handover_ReleaseLandsButItsAnswerIsLost_RecognisedOnTheNextAttemptAndReportedAsStarted()
    {
        var (cluster, pods) = LeaderElectorOperatorControlsTests.NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await LeaderElectorOperatorControlsTests.ThreeReplicasAsync(cluster, pods);

        a.Client.LoseNextAnswers = 1;
        LeaderElectorOperatorControlsTests.Request(cluster, "c");
        var waited = await cluster.AdvanceUntilAsync(() => LeaderElectorOperatorControlsTests.Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(20), Step);
        Assert.True(waited < TimeSpan.FromSeconds(1), $"c served {waited} after the request"); // the release was written

        // a's attempt is abandoned at the attempt timeout; the next one conflicts and finds the handover done by c.
        var attemptTimeout = new ElectionSettings("a", ElectionTimings.Default).AttemptTimeout;
        await cluster.AdvanceAsync(attemptTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, a.Metrics.ApiErrors("release"));
        Assert.Equal(["handover:in-progress:c"], a.OperatorObserver!.Notes.Where(n => n.StartsWith("handover", StringComparison.Ordinal)));
        Assert.Equal(1, a.Observer.Changes.Count(change => change.StartsWith("lost:", StringComparison.Ordinal)));
        AssertOnlyTheChosenReplicaTookIt(cluster, a);
        Assert.Equal(["c"], LeaderElectorOperatorControlsTests.Endpoints(pods, a, b, c));
    }

    /// <summary>
    /// The chosen replica's takeover is written but its answer is lost (the attempt would time out, as on a slow etcd):
    /// the Lease names c in a term c never heard about. Was: c waited that term out like a stranger's, and so did everyone
    /// else — a lease duration (15 s) with no leader; then c started a newer term over it a round later. Now c's watch
    /// shows its write and, after a short wait for the answer, c leads in that term from when it sent it.
    /// </summary>
    [Fact]
    public async Task Handover_TakeoverLandsButItsAnswerIsLost_TheChosenReplicaTakesItsTermUpWithoutWaitingItOut()
    {
        var (cluster, pods) = LeaderElectorOperatorControlsTests.NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await LeaderElectorOperatorControlsTests.ThreeReplicasAsync(cluster, pods);

        c.Client.LoseNextAnswers = 1;
        LeaderElectorOperatorControlsTests.Request(cluster, "c");
        var waited = await cluster.AdvanceUntilAsync(() => LeaderElectorOperatorControlsTests.Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(30), Step);

        // c's watch shows the write at once; c waits a little for its answer (a ninth of the renew deadline), then leads
        // in that term instead of writing a newer one a round later.
        var answerGrace = new ElectionSettings("c", ElectionTimings.Default).AttemptTimeout / 3;
        Assert.InRange(waited, answerGrace - Step, answerGrace + (4 * Step));
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.DoesNotContain(cluster.Server.History, r => r?.HolderIdentity == "b");
        var lease = cluster.Server.Current!;
        Assert.Equal(("c", "a"), (lease.HolderIdentity, lease.PreviousHolder));
        Assert.All(cluster.Server.History.Where(r => r?.HolderIdentity == "c"), r => Assert.Equal(lease.LeaseTransitions, r!.LeaseTransitions));
        Assert.Equal(0, c.Metrics.ApiErrors("update"));
    }

    [Fact]
    public async Task Handover_ReleaseRefused_TheLeaderRetakesItsTermAndAnswersTheRequestAgain()
    {
        var (cluster, pods) = LeaderElectorOperatorControlsTests.NewCluster();
        await using var disposing = cluster;
        var (a, b, c) = await LeaderElectorOperatorControlsTests.ThreeReplicasAsync(cluster, pods);

        a.Client.NextReplaceFailures.Enqueue(new KubeApiException(HttpStatusCode.Forbidden, "403 Forbidden: cannot update resource \"leases\""));
        LeaderElectorOperatorControlsTests.Request(cluster, "c");
        await cluster.AdvanceUntilAsync(() => LeaderElectorOperatorControlsTests.Endpoints(pods, a, b, c) is ["c"], TimeSpan.FromSeconds(20), Step);

        // Not tried again within the release: a retook its term, and the request still in the Lease was answered again.
        Assert.Equal(1, a.Metrics.ApiErrors("release"));
        Assert.Equal(2, a.Observer.Changes.Count(change => change == "lost:HandedOver:c"));
        AssertOnlyTheChosenReplicaTookIt(cluster, a);
    }

    private static void AssertOnlyTheChosenReplicaTookIt(ElectionCluster cluster, Candidate leader)
    {
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.DoesNotContain(cluster.Server.History, r => r?.HolderIdentity == "b");
        var lease = cluster.Server.Current!;
        Assert.Equal(("c", "a"), (lease.HolderIdentity, lease.PreviousHolder));
        Assert.Equal(HandoverOutcome.Done, lease.Controls!.LastHandover!.Outcome);
        Assert.Equal(1, leader.Metrics.Handovers("started"));
    }
}

using System.Text;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Http;
using SingleActive.Elector.Tests.Kubernetes;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// Readiness mode end to end on the fake clock: a successor marks the previous holder's pod not
/// ready through the API before it answers ready, so the Service (the pods Ready in the API) never
/// has two endpoints, whatever the kubelets report and whenever they report it.
/// </summary>
public sealed class LeaderElectorFencingTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Release_SuccessorFencesThePreviousHolderBeforeItIsReady()
    {
        var pods = new RecordingPodApi();
        await using var cluster = new ElectionCluster(pods: pods);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);
        bool? readyWhileFencing = null;
        pods.BeforeFence = _ => readyWhileFencing = b.IsReady;

        // SIGTERM: a releases; its kubelet has not probed it since, and b's kubelet happens to probe first.
        await cluster.StopAsync(a);
        pods.KubeletReports("b", b.IsReady);

        // Still no fake time passed: the handover is as quick as before, and a already left the Service.
        Assert.True(b.IsReady);
        Assert.False(readyWhileFencing);
        Assert.Equal(["b"], pods.Endpoints);
        var (pod, reason, message) = Assert.Single(pods.Fences);
        Assert.Equal("a", pod);
        Assert.Equal("SingleActiveFenced", reason);
        Assert.Equal("b leads Lease ns/lease (leaseTransitions 1); a held it before and must not receive traffic", message);
    }

    [Fact]
    public async Task Expiry_PartitionedHolderFencedBeforeTheSuccessorIsReady_ItsReturningKubeletKeepsItOut()
    {
        var pods = new RecordingPodApi();
        await using var cluster = new ElectionCluster(pods: pods);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);
        bool? readyWhileFencing = null;
        pods.BeforeFence = _ => readyWhileFencing = b.IsReady;

        // a's node loses the API server: its elector cannot renew and its kubelet cannot report,
        // so a stays Ready in the API (an endpoint) however its own probe goes.
        a.Client.Fault = LeaseFault.Fail;
        var waited = await cluster.AdvanceUntilAsync(
            () =>
            {
                pods.KubeletReports("b", b.IsReady);
                Assert.True(pods.Endpoints.Count <= 1, string.Join(",", pods.Endpoints));
                return b.IsReady;
            },
            TimeSpan.FromSeconds(30));

        Assert.InRange(waited, TimeSpan.FromSeconds(13), TimeSpan.FromSeconds(16));
        Assert.False(readyWhileFencing);
        Assert.Equal(["b"], pods.Endpoints);

        // The partition heals: a's kubelet writes the Ready condition from its own probe again,
        // which fails, since a's elector stopped answering 200 at its renew deadline.
        a.Client.Fault = LeaseFault.None;
        for (var i = 0; i < 300; i++)
        {
            await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
            pods.KubeletReports("a", a.IsReady);
            pods.KubeletReports("b", b.IsReady);
            Assert.Equal(["b"], pods.Endpoints);
        }

        Assert.Single(pods.Fences);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LeaseDeletedOrClearedAfterTheHolderWasLost_SuccessorFencesItBeforeItIsReady(bool deleted)
    {
        var pods = new RecordingPodApi();
        await using var cluster = new ElectionCluster(pods: pods);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);
        bool? readyWhileFencing = null;
        pods.BeforeFence = _ => readyWhileFencing = b.IsReady;

        // a's node is gone (its pod stays Ready in the API); then someone removes its Lease.
        await cluster.KillAsync(a);
        if (deleted)
        {
            cluster.Server.Delete();
        }
        else
        {
            cluster.Server.Put(new LeaseRecord(null, 15, null, null, 0));
        }

        await cluster.AdvanceUntilAsync(
            () =>
            {
                pods.KubeletReports("b", b.IsReady);
                Assert.True(pods.Endpoints.Count <= 1, string.Join(",", pods.Endpoints));
                return b.IsReady;
            },
            TimeSpan.FromSeconds(30));

        Assert.False(readyWhileFencing);
        Assert.Equal(["b"], pods.Endpoints);
        Assert.Equal("a", Assert.Single(pods.Fences).Pod);
    }

    [Fact]
    public async Task FenceFails_LeaderStaysNotReadyAndSaysWhyUntilItIsWritten()
    {
        var pods = new RecordingPodApi { FenceFailuresToInject = 3 };
        await using var cluster = new ElectionCluster(pods: pods);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);
        var readyBeforeFenced = false;
        pods.BeforeFence = _ => readyBeforeFenced |= b.IsReady;

        await cluster.StopAsync(a);

        Assert.False(b.IsReady);
        Assert.True(b.Elector.Status.IsLeader);
        Assert.True(b.Elector.Status.AwaitingFence);
        var endpoints = new ElectorEndpoints(b.Elector, ElectorMode.Readiness, "ns/lease", b.Metrics, null);
        var readyz = endpoints.Handle(ElectorHttp.ReadyPath);
        Assert.Equal(503, readyz.StatusCode);
        Assert.Equal("leading, not ready until the previous holder's pod, and any other pod of the Lease still Ready or ContainersReady, is marked not ready\n", Encoding.UTF8.GetString(readyz.Body));
        Assert.Contains("single_active_elector_awaiting_fence 1\n", Encoding.UTF8.GetString(endpoints.Handle(ElectorHttp.MetricsPath).Body), StringComparison.Ordinal);

        // Retry period 2 s, doubling: the fourth try, 2 + 4 + 8 s later, gets through.
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(30));

        Assert.InRange(waited, TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(14) + Second);
        Assert.False(readyBeforeFenced);
        Assert.False(b.Elector.Status.AwaitingFence);
        Assert.Equal(3, b.Metrics.FenceFailures);
        Assert.Single(pods.Events, e => (string?)e["reason"] == "FenceFailed" && (string?)e["involvedObject"]!["name"] == "b");
        Assert.Contains("single_active_elector_fence_failures_total 3\n", Encoding.UTF8.GetString(endpoints.Handle(ElectorHttp.MetricsPath).Body), StringComparison.Ordinal);
        Assert.Equal(200, endpoints.Handle(ElectorHttp.ReadyPath).StatusCode);
    }

    [Fact]
    public async Task PreviousHolderPodGone_SuccessorReadyAtOnce()
    {
        var pods = new RecordingPodApi();
        await using var cluster = new ElectionCluster(pods: pods);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);
        pods.MissingPods.Add("a");

        await cluster.StopAsync(a);

        Assert.True(b.IsReady);
        Assert.Contains("fence-missing:a", pods.Calls);
        Assert.Empty(pods.Fences);
    }

    [Fact]
    public async Task FirstTermAndRetakeOfItsOwnTerm_NobodyIsFenced()
    {
        var pods = new RecordingPodApi();
        await using var cluster = new ElectionCluster(pods: pods);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        Assert.True(a.IsReady);

        // The Lease is deleted under a: it steps down and starts its next term at once, succeeding itself.
        cluster.Server.Delete();
        await cluster.SettleAsync();

        Assert.True(a.IsReady);
        Assert.Equal(["elected:0:-", "lost:LeaseRemoved:-", "elected:1:a"], a.Observer.Changes);
        Assert.DoesNotContain(pods.Calls, c => c.StartsWith("fence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RestartedWithItsOwnNameInTheLease_DoesNotFenceItself()
    {
        var pods = new RecordingPodApi();
        await using var cluster = new ElectionCluster(pods: pods);
        var now = cluster.Time.GetUtcNow();
        cluster.Server.Put(new LeaseRecord("a", 15, now, now, 2));

        var a = cluster.Add("a");
        await cluster.AdvanceUntilAsync(() => a.IsReady, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        Assert.Equal(["elected:3:a"], a.Observer.Changes);
        Assert.DoesNotContain(pods.Calls, c => c.StartsWith("fence", StringComparison.Ordinal));
    }

    /// <summary>a leads, b stands by, and both kubelets have reported: a is the one endpoint.</summary>
    private static async Task<(Candidate A, Candidate B)> LeaderAndStandbyAsync(ElectionCluster cluster, RecordingPodApi pods)
    {
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        pods.KubeletReports("a", a.IsReady);
        pods.KubeletReports("b", b.IsReady);
        Assert.Equal(["a"], pods.Endpoints);
        return (a, b);
    }
}

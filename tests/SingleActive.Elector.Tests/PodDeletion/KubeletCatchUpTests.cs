using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Tests.Election;
using SingleActive.Elector.Tests.Kubernetes;

namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>
/// Readiness mode: a voluntary release waits until the pod's own kubelet has seen the replica not ready, so that
/// kubelet's 10 s status reconcile cannot write <c>Ready=True</c> over the successor's fence (see <see cref="OwnPodReadiness"/>).
/// </summary>
public sealed class KubeletCatchUpTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    /// <summary>The limit for the default probe, which <see cref="ElectionCluster"/>'s electors run with.</summary>
    private static readonly TimeSpan DefaultLimit = new OwnPodReadiness(TimeProvider.System).CatchUpLimit;

    [Fact]
    public async Task StepDown_PodStillReadyInTheApi_ReleasedOnlyOnceItsKubeletReportsItNotReady()
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods, own);

        a.Health.ShouldStepDown = true; // its app failed failureThreshold probes in a row
        a.Health.CanCampaign = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1), Step);

        // Not ready at once, but the Lease stays a's while a's kubelet still says ready.
        Assert.False(a.IsReady);
        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
        Assert.False(b.IsReady);

        own.SetReady("a", false); // the kubelet probed /readyz (503) and wrote Ready=False
        await cluster.AdvanceAsync(Step);
        pods.KubeletReports("a", a.IsReady);
        pods.KubeletReports("b", b.IsReady);

        Assert.Equal("b", cluster.Server.Current!.HolderIdentity);
        Assert.True(b.IsReady);
        Assert.Equal(["b"], pods.Endpoints);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task StepDown_KubeletNeverReports_ReleasedAfterTheCatchUpLimit()
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods, own);

        a.Health.ShouldStepDown = true; // its app failed failureThreshold probes in a row
        a.Health.CanCampaign = false;
        await cluster.AdvanceUntilAsync(() => !a.IsReady, TimeSpan.FromSeconds(5), Step);
        var waited = await cluster.AdvanceUntilAsync(() => cluster.Server.Current?.HolderIdentity != "a", TimeSpan.FromSeconds(10), Step);

        Assert.InRange(waited, DefaultLimit - Step, DefaultLimit + (2 * Step));
        await cluster.AdvanceAsync(Step);
        Assert.True(b.IsReady);
    }

    /// <summary>
    /// Regular-container mode: the pod's deletion starts the release, and the kubelet's SIGTERM arrives while that write
    /// is in flight. SIGTERM asks for exactly that release: it must not cancel it (the term would then wait to expire).
    /// </summary>
    [Fact]
    public async Task DeletionStartsThenSigtermWhileTheReleaseIsInFlight_TheReleaseStillLands()
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods, own);
        var hold = new TaskCompletionSource();
        a.Client.HoldNextWrite = hold;

        own.MarkDeleting("a", cluster.Time.GetUtcNow().AddSeconds(30));
        await cluster.SettleAsync(); // the release is on its way to the API server
        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
        var sigterm = a.Stop.CancelAsync();
        hold.SetResult(); // the API server answers
        await sigterm;
        await cluster.SettleAsync();
        await a.Running.WaitAsync(TimeSpan.FromSeconds(10));
        await cluster.AdvanceAsync(Step);
        pods.KubeletReports("b", b.IsReady);

        Assert.Equal("b", cluster.Server.Current!.HolderIdentity);
        Assert.True(b.IsReady);
    }

    [Fact]
    public async Task WaitForKubelet_NoPodOrNotReadyOrDeleting_ReturnsAtOnce()
    {
        var time = new FakeTimeProvider();
        foreach (var set in new Action<OwnPodReadiness>[]
        {
            r => r.NoPod(),
            r => r.Saw(new PodSnapshot("u", null, ElectorReady: false)),
            r => r.Saw(new PodSnapshot("u", null)),
            r => r.Saw(new PodSnapshot("u", time.GetUtcNow(), ElectorReady: true)),
        })
        {
            var readiness = new OwnPodReadiness(time);
            set(readiness);
            Assert.True(await readiness.WaitForKubeletAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>
    /// A handover in the first moment of a term: the view still holds the standby's not ready, while the kubelet may have
    /// probed 200 already with Ready=True on its way, to land after the successor's fence. It must not count.
    /// </summary>
    [Fact]
    public async Task WaitForKubelet_NotReadySeenBeforeTheTermStarted_WaitsForAViewWrittenSince()
    {
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // a standby
        readiness.TermStarted();

        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: true)); // the kubelet probed 200 and wrote Ready=True
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // then 503

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// The kubelet probed <c>/readyz</c> 200 (its cached result turned ready), and a not-ready status it wrote before that
    /// probe reaches the watch only now: it is not the kubelet's view. A not-ready view counts again once a ready one has
    /// shown the kubelet recorded the 200 (it writes that change before any later one).
    /// </summary>
    [Fact]
    public async Task WaitForKubelet_NotReadyWrittenBeforeTheKubeletsAnswerToA200_DoesNotCount()
    {
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // a standby
        Assert.True(readiness.ServeReadyz(() => true)); // it leads: the kubelet's probe gets 200
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // a status written before that probe, late

        Assert.False(readiness.ServeReadyz(() => false)); // the release: 503
        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // still the same late kind of write
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: true)); // the kubelet's answer to the 200
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // and to the 503

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A leader the kubelet has long seen ready: further 200s change nothing, and the kubelet's not ready after the release counts at once.</summary>
    [Fact]
    public async Task WaitForKubelet_SteadyLeaderReleases_TheKubeletsNotReadyCountsAtOnce()
    {
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false));
        Assert.True(readiness.ServeReadyz(() => true));
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: true));
        for (var probe = 0; probe < 3; probe++)
        {
            Assert.True(readiness.ServeReadyz(() => true));
        }

        Assert.False(readiness.ServeReadyz(() => false));
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false));

        Assert.True(await readiness.WaitForKubeletAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A readiness blip within a term (503, then 200 again): the kubelet's not ready from the blip is stale after the 200.</summary>
    [Fact]
    public async Task WaitForKubelet_NotReadyFromABlipBeforeA200_DoesNotCount()
    {
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time);
        Assert.True(readiness.ServeReadyz(() => true));
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: true));
        Assert.False(readiness.ServeReadyz(() => false)); // a blip
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false));
        Assert.True(readiness.ServeReadyz(() => true)); // ready again: the kubelet turns ready

        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        time.Advance(readiness.CatchUpLimit);

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// The kubelet recorded a failure this elector never answered (a probe that timed out, a restarted kubelet): its next
    /// 200 turns the kubelet ready again, and a release right after must not count the not-ready view from before it.
    /// </summary>
    [Fact]
    public async Task WaitForKubelet_FailureNotAnsweredWith503ThenA200_NotedAsAFlip()
    {
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time);
        Assert.True(readiness.ServeReadyz(() => true));
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: true));
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false)); // the kubelet's failure, no 503 served
        Assert.True(readiness.ServeReadyz(() => true)); // its next probe: ready again, Ready=True on its way

        Assert.False(readiness.ServeReadyz(() => false)); // the release
        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: true));
        readiness.Saw(new PodSnapshot("u", null, ElectorReady: false));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitForKubelet_PodUnseen_WaitsTheWholeLimit()
    {
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time);

        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        time.Advance(readiness.CatchUpLimit - TimeSpan.FromMilliseconds(1));
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3, 5)]
    [InlineData(60, 62)]
    public async Task WaitForKubelet_PodUnseen_WaitsTheProbesDetectionPlusOneSecond(int periodSeconds, int limitSeconds)
    {
        // A pod's single-active.io/probe-period: the kubelet may next probe /readyz a whole period later, so a release
        // that went out sooner could be followed by the kubelet's reconcile writing Ready=True over the fence.
        var time = new FakeTimeProvider();
        var readiness = new OwnPodReadiness(time, ReadinessProbeTimings.Default with { PeriodSeconds = periodSeconds });

        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(limitSeconds) - TimeSpan.FromMilliseconds(1));
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromSeconds(limitSeconds), readiness.CatchUpLimit);
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<(Candidate A, Candidate B)> LeaderAndStandbyAsync(ElectionCluster cluster, RecordingPodApi pods, InMemoryPodServer own)
    {
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        pods.KubeletReports("a", a.IsReady);
        pods.KubeletReports("b", b.IsReady);
        own.SetReady("a", true);
        own.SetReady("b", false);
        await cluster.SettleAsync();
        Assert.Equal(["a"], pods.Endpoints);
        return (a, b);
    }
}

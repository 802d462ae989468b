using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Http;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Tests.Election;
using SingleActive.Elector.Tests.Kubernetes;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>
/// The handover starts when the pod's deletion starts: on the fake clock, with the in-memory Lease and pods. A
/// native-sidecar elector gets SIGTERM only after the app containers have exited, so everything here happens
/// with the elector still running and no SIGTERM yet, unless a test sends one.
/// </summary>
public sealed class OwnPodWatcherTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task DeletionStarts_Leader_ReleasesAtOnceSuccessorFencesItAndItNeverLeadsAgain()
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);
        bool? readyWhileFencing = null;
        pods.BeforeFence = _ => readyWhileFencing = b.IsReady;

        // kubectl delete pod a: the API server sets deletionTimestamp; a's kubelet starts the app's shutdown.
        var before = a.Observer.Changes.Count;
        own.MarkDeleting("a", cluster.Time.GetUtcNow().AddSeconds(30));
        await cluster.SettleAsync();
        pods.KubeletReports("a", a.IsReady);
        pods.KubeletReports("b", b.IsReady);

        // No fake time passed: a released the Lease as on SIGTERM, b fenced a first and serves.
        Assert.False(a.IsReady);
        Assert.True(b.IsReady);
        Assert.False(readyWhileFencing);
        Assert.Equal(["b"], pods.Endpoints);
        Assert.Equal("a", Assert.Single(pods.Fences).Pod);
        Assert.Equal("a", cluster.Server.History.Single(r => r is { HolderIdentity: null })!.PreviousHolder);
        Assert.Equal(["lost:PodDeleting:-"], a.Observer.Changes.Skip(before));
        var lost = pods.Events.Last(e => (string?)e["reason"] == "LeadershipLost");
        Assert.Equal("Normal", (string?)lost["type"]);
        Assert.Equal("a stopped leading Lease ns/lease: its pod is being deleted; the Lease was released for a quick handover", (string?)lost["message"]);
        var metrics = MetricsOf(a);
        Assert.Contains("single_active_elector_leadership_lost_total{reason=\"pod_deleting\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_pod_deleting 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_deletion_handover 1\n", metrics, StringComparison.Ordinal);

        // The app takes its time to stop. Meanwhile b goes too and the Lease is free: a, being deleted, never takes it.
        var writes = a.Client.Writes;
        var lists = a.PodClient!.Lists;
        await cluster.StopAsync(b);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(40), Step);

        Assert.Equal(writes, a.Client.Writes);
        Assert.Equal(lists, a.PodClient.Lists); // Nothing more to watch.
        Assert.False(a.IsReady);
        Assert.True(a.Elector.IsAlive); // /healthz stays 200: the kubelet must not restart it while the pod stops.
        var readyz = Endpoints(a).Handle(ElectorHttp.ReadyPath);
        Assert.Equal(503, readyz.StatusCode);
        Assert.Equal("not leading: this pod is being deleted\n", Encoding.UTF8.GetString(readyz.Body));

        // SIGTERM at last: nothing left to release.
        await cluster.StopAsync(a);
        Assert.Equal(writes, a.Client.Writes);
        Assert.Equal(["lost:PodDeleting:-"], a.Observer.Changes.Skip(before));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task PodDeletedOutright_Leader_ReleasesAtOnce()
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);

        // A force delete (--grace-period=0 --force): the object is gone at once, the containers still run.
        var before = a.Observer.Changes.Count;
        own.Delete("a");
        await cluster.SettleAsync();

        Assert.False(a.IsReady);
        Assert.True(b.IsReady);
        Assert.Equal(["lost:PodDeleting:-"], a.Observer.Changes.Skip(before));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeletionStarts_Standby_NeverAcquiresEvenWhenTheLeaseIsFree(bool leaderCrashes)
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);

        own.MarkDeleting("b", cluster.Time.GetUtcNow().AddSeconds(30));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1), Step);
        Assert.True(a.IsReady);

        // The Lease is released at once, or expires after the lease duration: either way b stays out.
        if (leaderCrashes)
        {
            await cluster.KillAsync(a);
        }
        else
        {
            await cluster.StopAsync(a);
        }

        await cluster.AdvanceAsync(ElectionTimings.Default.LeaseDuration * 3, Step);

        Assert.False(b.IsReady);
        Assert.Empty(b.Observer.Changes);
        Assert.Equal(0, b.Client.Writes);
        Assert.Equal(leaderCrashes ? "a" : null, cluster.Server.Current!.HolderIdentity);
        var metrics = MetricsOf(b);
        Assert.Contains("single_active_elector_pod_deleting 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_leadership_lost_total{reason=\"pod_deleting\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Equal("not leading: this pod is being deleted\n", Encoding.UTF8.GetString(Endpoints(b).Handle(ElectorHttp.ReadyPath).Body));
    }

    [Theory]
    [InlineData(PodFault.Forbidden)]
    [InlineData(PodFault.WatchForbidden)]
    public async Task WatchForbidden_LeadsAsBeforeReportsHandoverOffAndHandsOverOnSigterm(PodFault fault)
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ownPods: own);
        var a = cluster.Add("a", start: false);
        a.PodClient!.Fault = fault;
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3), Step);

        Assert.True(a.IsReady);
        Assert.False(a.Metrics.DeletionHandover);
        Assert.Contains("single_active_elector_deletion_handover 0\n", MetricsOf(a), StringComparison.Ordinal);
        Assert.True(a.Metrics.ApiErrors("pod_watch") >= 1);

        // Its deletion goes unseen (for now): a keeps the Lease until SIGTERM, exactly as before.
        own.MarkDeleting("a", cluster.Time.GetUtcNow().AddSeconds(30));
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5), Step);
        Assert.True(a.IsReady);
        Assert.False(b.IsReady);

        await cluster.StopAsync(a);
        Assert.True(b.IsReady);
        Assert.Equal("lost:ShuttingDown:-", a.Observer.Changes.Last());
        Assert.DoesNotContain("lost:PodDeleting:-", a.Observer.Changes);
    }

    [Fact]
    public async Task WatchForbidden_AskedAgainEveryMinute_OnOnceTheClusterRoleIsApplied()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ownPods: own);
        var a = cluster.Add("a", start: false);
        a.PodClient!.Fault = PodFault.Forbidden;
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(50), Step);
        Assert.Equal(1, a.PodClient.Lists);

        a.PodClient.Fault = PodFault.None;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(11), Step);

        Assert.Equal(2, a.PodClient.Lists);
        Assert.True(a.Metrics.DeletionHandover);
        var before = a.Observer.Changes.Count;
        own.MarkDeleting("a", cluster.Time.GetUtcNow().AddSeconds(30));
        await cluster.SettleAsync();
        Assert.False(a.IsReady);
        Assert.Equal(["lost:PodDeleting:-"], a.Observer.Changes.Skip(before));
    }

    [Fact]
    public async Task NoPodOfThatName_LeadsAsBeforeAndReportsHandoverOff()
    {
        // A local run, or POD_NAME set by hand: the name matches no pod.
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ownPods: own);
        var a = cluster.Add("a", start: false);
        own.Delete("a");
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5), Step);

        Assert.True(a.IsReady);
        Assert.False(a.Metrics.DeletionHandover);
        Assert.False(a.Elector.IsRetired);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WatchDrops_DeletionWhileItWasDown_CaughtByTheNextList(bool recreatedUnderTheSameName)
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(pods: pods, ownPods: own);
        var (a, b) = await LeaderAndStandbyAsync(cluster, pods);

        // a's watch breaks and its next lists fail; meanwhile its deletion starts (or, force-deleted, a StatefulSet
        // already made a new pod of that name), and no event will ever tell a.
        var before = a.Observer.Changes.Count;
        a.PodClient!.Fault = PodFault.Fail;
        own.BreakWatches();
        await cluster.AdvanceUntilAsync(() => a.Metrics.DeletionHandover == false, TimeSpan.FromSeconds(10), Step);
        if (recreatedUnderTheSameName)
        {
            own.Delete("a");
            own.Create("a", "uid-a-2");
        }
        else
        {
            own.MarkDeleting("a", cluster.Time.GetUtcNow().AddSeconds(30));
        }

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3), Step);
        Assert.True(a.IsReady);

        a.PodClient.Fault = PodFault.None;
        var waited = await cluster.AdvanceUntilAsync(() => !a.IsReady, TimeSpan.FromSeconds(10), Step);

        Assert.True(waited <= ElectionTimings.Default.RetryPeriod, $"waited {waited}");
        Assert.True(b.IsReady);
        Assert.Equal(["lost:PodDeleting:-"], a.Observer.Changes.Skip(before));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task RunAsync_ApiServerSaysForbidden_SaysSoOnceAndAsksAgainEveryMinute()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(403, """{"kind":"Status","code":403,"message":"pods is forbidden: User \"system:serviceaccount:shop:app\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""}"""));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        await using var rig = new HttpRig(new KubernetesOwnPodStore(api, "shop", "web-0"));

        await rig.UntilAsync(() => rig.Watcher.IsIdle && server.Requests.Count == 1);
        rig.Time.Advance(OwnPodWatcher.ForbiddenRetryInterval);
        await rig.UntilAsync(() => rig.Watcher.IsIdle && server.Requests.Count == 2);

        Assert.False(rig.Metrics.DeletionHandover);
        Assert.Equal(2, rig.Metrics.ApiErrors("pod_watch"));
        var line = Assert.Single(rig.Lines());
        Assert.Equal(52, line.GetProperty("eventId").GetInt32());
        var message = line.GetProperty("msg").GetString();
        Assert.StartsWith("Deletion-start handover is off: this elector may not list and watch pods in namespace shop (403 ", message, StringComparison.Ordinal);
        Assert.Contains("cannot list resource \"pods\"", message, StringComparison.Ordinal);
        Assert.False(rig.Elector.IsRetired);
    }

    [Fact]
    public async Task RunAsync_ListThenWatchSeesTheDeletionTimestamp_RetiresTheElector()
    {
        using var server = new ScriptedApiServer((_, request) => new ScriptedApiServer.Answer(200, request.Path.Contains("watch=true", StringComparison.Ordinal)
            ? """{"type":"MODIFIED","object":{"metadata":{"name":"web-0","uid":"uid-1","deletionTimestamp":"2026-11-23T22:00:24Z"}}}""" + "\n"
            : """{"kind":"PodList","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"web-0","uid":"uid-1"}}]}"""));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        await using var rig = new HttpRig(new KubernetesOwnPodStore(api, "shop", "web-0"));

        await rig.Run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(rig.Elector.IsRetired);
        Assert.True(rig.Metrics.DeletionHandover);
        Assert.True(rig.Metrics.PodDeleting);
        Assert.Equal([51, 55], rig.Lines().Select(l => l.GetProperty("eventId").GetInt32()));
        Assert.Contains("Pod web-0 is being deleted (deletionTimestamp 2026-11-23T22:00:24.0000000+00:00): this replica will never lead again", rig.Lines()[1].GetProperty("msg").GetString(), StringComparison.Ordinal);
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
        Assert.True(a.Metrics.DeletionHandover);
        Assert.True(b.Metrics.DeletionHandover);
        return (a, b);
    }

    private static ElectorEndpoints Endpoints(Candidate candidate) => new(candidate.Elector, ElectorMode.Readiness, "ns/lease", candidate.Metrics, null);

    private static string MetricsOf(Candidate candidate) => Encoding.UTF8.GetString(Endpoints(candidate).Handle(ElectorHttp.MetricsPath).Body);

    /// <summary>One <see cref="OwnPodWatcher"/> for pod web-0 (uid-1) over HTTP, on a fake clock, with an elector that is not running.</summary>
    private sealed class HttpRig : IAsyncDisposable
    {
        private readonly StringWriter log = new();
        private readonly CancellationTokenSource stop = new();

        public HttpRig(IOwnPodStore store)
        {
            Elector = new LeaderElector(new ElectionSettings("web-0", ElectionTimings.Default), new InMemoryLeaseServer().Connect(), Time, new FakeAppHealth(), new RecordingObserver(), Metrics, new JsonLineLogger("elector", LogLevel.Information, TextWriter.Null, Time));
            Watcher = new OwnPodWatcher(store, Elector, "web-0", "uid-1", "shop", Time, ElectionTimings.Default.RetryPeriod, Metrics, new JsonLineLogger("elector", LogLevel.Information, TextWriter.Synchronized(log), Time));
            Run = Task.Run(() => Watcher.RunAsync(stop.Token));
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        public ElectorMetrics Metrics { get; } = new();

        public LeaderElector Elector { get; }

        public OwnPodWatcher Watcher { get; }

        public Task Run { get; }

        public List<JsonElement> Lines() =>
            [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

        /// <summary>Waits in real time (HTTP on loopback) for a state; only a lower bound on a busy machine, never asserted.</summary>
        public async Task UntilAsync(Func<bool> condition)
        {
            for (var i = 0; i < 2000 && !condition(); i++)
            {
                await Task.Delay(10);
            }

            Assert.True(condition(), "the watcher never got there");
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Dispose();
            await log.DisposeAsync();
        }
    }
}

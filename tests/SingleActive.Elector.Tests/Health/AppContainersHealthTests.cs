using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Logging;
using SingleActive.Elector.Health;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Logging;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Tests.Election;
using SingleActive.Elector.Tests.Kubernetes;
using SingleActive.Elector.Tests.PodDeletion;

namespace SingleActive.Elector.Tests.Health;

/// <summary>Leadership follows whether the app containers run, as the kubelet reports them in the elector's own pod.</summary>
public sealed class AppContainersHealthTests
{
    private static readonly AppContainersView Crashed = new("container app is not running: waiting (CrashLoopBackOff)", null);

    [Fact]
    public void BeforeThePodIsListed_DoesNotCampaign_ThenARunningPodOpensTheGate()
    {
        var rig = new Rig();
        Assert.False(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.Null(rig.Health.Running);

        rig.Health.Saw(Pod(AppContainersView.AllRunning), watched: true);

        Assert.True(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.True(rig.Health.Running);
        Assert.Equal(1, rig.Wakes);
    }

    /// <summary>Refused (RBAC), no such pod, or only listed once a minute because the watch is refused: the check is off, as without it.</summary>
    [Theory]
    [InlineData("refused")]
    [InlineData("no pod")]
    [InlineData("listed, watch refused")]
    public void PodNotWatchable_CheckOff(string how)
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(Crashed), watched: true);

        switch (how)
        {
            case "refused":
                rig.Health.Unseen(refused: true);
                break;
            case "no pod":
                rig.Health.NoPod();
                break;
            default:
                rig.Health.Saw(Pod(Crashed), watched: false);
                break;
        }

        Assert.True(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.Null(rig.Health.Running);
        Assert.Equal([EventIds.AppContainerNotRunning], rig.EventIds()); // No "runs again": it was not seen running.
    }

    /// <summary>A list that fails (the API unreachable) keeps what was known; never having listed, the check is off.</summary>
    [Fact]
    public void ListFails_LastVerdictStands_NeverListedCheckOff()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(Crashed), watched: true);
        rig.Health.Unseen(refused: false);
        Assert.False(rig.Health.CanCampaign);
        Assert.True(rig.Health.ShouldStepDown);

        var fresh = new Rig();
        fresh.Health.Unseen(refused: false);
        Assert.True(fresh.Health.CanCampaign);
    }

    [Fact]
    public void AppContainerNotRunning_NoCampaignAndALeaderStepsDown_SaidOncePerChange()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(AppContainersView.AllRunning), watched: true);

        rig.Health.Saw(Pod(Crashed), watched: true);
        rig.Health.Saw(Pod(Crashed), watched: true); // Another status write, same verdict.

        Assert.False(rig.Health.CanCampaign);
        Assert.True(rig.Health.ShouldStepDown);
        Assert.False(rig.Health.Running);
        Assert.Equal(2, rig.Wakes);

        rig.Health.Saw(Pod(AppContainersView.AllRunning), watched: true);

        Assert.True(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.Equal(3, rig.Wakes);
        Assert.Equal([EventIds.AppContainerNotRunning, EventIds.AppContainersRunning], rig.EventIds());
        Assert.Equal(
            "The pod cannot be Ready while its container app is not running: waiting (CrashLoopBackOff): this replica does not campaign, and releases the Lease if it leads (unless failover is paused)",
            rig.Lines()[0].GetProperty("msg").GetString());
    }

    /// <summary>A crash-looping app between two crashes: running, but not for long enough to be a candidate; a leader is not stepped down by it.</summary>
    [Fact]
    public void RestartedContainer_CandidateOnlyAfterTheHold()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(new AppContainersView(null, rig.Time.GetUtcNow())), watched: true);

        Assert.False(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.True(rig.Health.Running);
        rig.Time.Advance(AppContainersHealth.RestartHold - TimeSpan.FromMilliseconds(1));
        Assert.False(rig.Health.CanCampaign);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(rig.Health.CanCampaign);
    }

    /// <summary>A container that restarted long ago runs like any other; the hold also ends by this elector's own clock (a node clock stepped back).</summary>
    [Fact]
    public void RestartedContainer_HoldEndsByTheEarlierOfTheTwoClocks()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(new AppContainersView(null, rig.Time.GetUtcNow() - TimeSpan.FromHours(2))), watched: true);
        Assert.True(rig.Health.CanCampaign);

        var stepped = new Rig();
        stepped.Health.Saw(Pod(new AppContainersView(null, stepped.Time.GetUtcNow() + TimeSpan.FromMinutes(5))), watched: true);
        Assert.False(stepped.Health.CanCampaign);
        stepped.Time.Advance(AppContainersHealth.RestartHold);
        Assert.True(stepped.Health.CanCampaign);
    }

    /// <summary>A Job's pod whose app has finished: no reason to take the Lease, none to give it up either.</summary>
    [Fact]
    public void PodFinished_NoCampaignNoStepDown()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(new AppContainersView(null, null, "container app has finished (exit code 0)")), watched: true);

        Assert.False(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.True(rig.Health.Running);
        Assert.Empty(rig.EventIds());
    }

    /// <summary>Before the first list nothing campaigns, and nothing steps down either (a restarted elector still named in the Lease).</summary>
    [Fact]
    public void BeforeThePodIsListed_NoStepDown() => Assert.False(new Rig().Health.ShouldStepDown);

    /// <summary>The list keeps failing: the last verdict stands for a minute, then the check is off.</summary>
    [Fact]
    public void ListKeepsFailing_VerdictStandsForTheLimitThenCheckOff()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(Crashed), watched: true);
        rig.Health.Unseen(refused: false);
        rig.Time.Advance(AppContainersHealth.StaleVerdictLimit - TimeSpan.FromMilliseconds(1));
        rig.Health.Unseen(refused: false); // Failing again does not restart the limit.
        Assert.True(rig.Health.ShouldStepDown);

        rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
        Assert.Null(rig.Health.Running);
    }

    [Fact]
    public void PodBeingDeleted_ItsContainersStoppingAreNoVerdict()
    {
        var rig = new Rig();
        rig.Health.Saw(Pod(AppContainersView.AllRunning), watched: true);

        rig.Health.Saw(new PodSnapshot("uid-1", DateTimeOffset.UnixEpoch, AppContainers: Crashed), watched: true);

        Assert.True(rig.Health.CanCampaign);
        Assert.False(rig.Health.ShouldStepDown);
    }

    /// <summary>
    /// An app container without a readinessProbe crash-loops on the leader (no probe for the elector to run): the leader
    /// releases, a standby whose app runs takes over at once; the crashed one campaigns again once its app has run for
    /// the restart hold, and takes the Lease only when it is free.
    /// </summary>
    [Fact]
    public async Task LeaderAppContainerCrashes_ReleasesAndAStandbyTakesOverNeverTwoReady()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.True(a.IsReady);
        Assert.False(b.IsReady);

        own.SetAppContainers("a", Crashed);
        await cluster.SettleAsync();

        // No fake time passed: the status change woke a, which released; b, watching the Lease, took it.
        Assert.False(a.IsReady);
        Assert.True(b.IsReady);
        Assert.Contains("lost:AppUnhealthy:-", a.Observer.Changes);

        // a's app keeps crashing; b's crashes too: nobody can serve, nobody leads.
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        own.SetAppContainers("b", Crashed);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.False(a.IsReady);
        Assert.False(b.IsReady);

        // a's app runs again after a restart: a candidate only once it has run for the hold, then it takes the free Lease.
        own.SetAppContainers("a", new AppContainersView(null, cluster.Time.GetUtcNow()));
        await cluster.AdvanceAsync(AppContainersHealth.RestartHold - TimeSpan.FromSeconds(1));
        Assert.False(a.IsReady);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.True(a.IsReady);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    /// <summary>
    /// Readiness mode, with the fence and the kubelet check: the leader's app crashes, its release waits for its kubelet to
    /// report the elector not ready, the successor fences it; one endpoint throughout.
    /// </summary>
    [Fact]
    public async Task ReadinessMode_LeaderAppCrashes_ReleaseWaitsForItsKubeletSuccessorFencesIt()
    {
        var pods = new RecordingPodApi();
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, pods: pods, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        own.SetReady("a", true);
        own.SetReady("b", false);
        pods.KubeletReports("a", a.IsReady);
        pods.KubeletReports("b", b.IsReady);
        Assert.Equal(["a"], pods.Endpoints);

        own.SetAppContainers("a", Crashed);
        await cluster.SettleAsync();

        // a fails /readyz at once but holds the release until its kubelet shows it not ready.
        Assert.False(a.IsReady);
        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
        own.SetReady("a", false);
        pods.KubeletReports("a", a.IsReady);
        await cluster.SettleAsync();
        pods.KubeletReports("b", b.IsReady);

        Assert.True(b.IsReady);
        Assert.Equal("a", Assert.Single(pods.Fences).Pod);
        Assert.Equal(["b"], pods.Endpoints);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    /// <summary>A native-sidecar elector starts before the app containers: it does not campaign until they run.</summary>
    [Fact]
    public async Task AppContainersNotStartedYet_DoesNotCampaignUntilTheyRun()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a", start: false);
        own.SetAppContainers("a", new AppContainersView("container app has not started yet", null));
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.False(a.IsReady);
        Assert.Equal(0, a.Client.Writes);

        own.SetAppContainers("a", AppContainersView.AllRunning);
        await cluster.AdvanceAsync(ElectionCluster.FastTimings.RetryPeriod); // Woken at once; within a round at the latest.

        Assert.True(a.IsReady);
    }

    /// <summary>
    /// The same start behind a watch that stalls (held open, passing nothing on): the app containers' start is seen by a
    /// new list once the watch has shown nothing for the relist interval, not at the watch's end minutes later. Once
    /// nothing is awaited, the quiet watch is left open: no more lists.
    /// </summary>
    [Fact]
    public async Task AppContainersNotStartedYet_WatchStalls_ListedAgainWithinTheRelistInterval()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a", start: false);
        own.SetAppContainers("a", new AppContainersView("container app has not started yet", null));
        a.PodClient!.Fault = PodFault.StallWatch;
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var lists = a.PodClient.Lists;
        Assert.Equal(1, lists);

        own.SetAppContainers("a", AppContainersView.AllRunning);
        await cluster.AdvanceAsync(NamedObjectWatch<PodSnapshot>.AwaitedChangeRelistInterval - TimeSpan.FromSeconds(2));
        Assert.False(a.IsReady);
        Assert.Equal(lists, a.PodClient.Lists);

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1) + ElectionCluster.FastTimings.RetryPeriod);
        Assert.True(a.IsReady);
        Assert.Equal(lists + 1, a.PodClient.Lists);

        await cluster.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(lists + 1, a.PodClient.Lists);
        Assert.True(a.IsReady);
    }

    /// <summary>
    /// A crashed app's restart behind a stalled watch: listed again while it waits, the wait doubling from the relist
    /// interval while nothing shows; the restart is seen by the next list, and nothing more is listed once it runs.
    /// </summary>
    [Fact]
    public async Task LeaderAppContainerCrashed_WatchStalls_ListedAgainBackingOffRestartSeenByTheNextList()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.True(a.IsReady);
        own.SetAppContainers("a", Crashed);
        await cluster.SettleAsync();
        Assert.False(a.IsReady);

        // The watch stalls from its next start on (the connection broke; a proxy holds the new one).
        a.PodClient!.Fault = PodFault.StallWatch;
        own.BreakWatches();
        await cluster.AdvanceAsync(ElectionCluster.FastTimings.RetryPeriod);
        var lists = a.PodClient.Lists;
        var interval = NamedObjectWatch<PodSnapshot>.AwaitedChangeRelistInterval;
        await cluster.AdvanceAsync((interval * 7) + TimeSpan.FromSeconds(1)); // Cut after 10, 20 and 40 s.
        Assert.Equal(lists + 3, a.PodClient.Lists);
        Assert.False(a.IsReady);

        // The app restarts and runs on: seen by the next list, 80 s after the last at most; its hold is over by then.
        own.SetAppContainers("a", new AppContainersView(null, cluster.Time.GetUtcNow()));
        await cluster.AdvanceUntilAsync(() => a.IsReady, (interval * 8) + (ElectionCluster.FastTimings.RetryPeriod * 2), TimeSpan.FromMilliseconds(100));
        Assert.Equal(lists + 4, a.PodClient.Lists);

        await cluster.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(lists + 4, a.PodClient.Lists);
        Assert.True(a.IsReady);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    /// <summary>
    /// A quiet watch that works is cut too while an app container does not run (a stalled one looks the same), the wait
    /// doubling; an event shows the watch works and starts the wait over.
    /// </summary>
    [Fact]
    public async Task AppContainerNotRunning_QuietWatch_RelistsBackOffAndAnEventStartsThemOver()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a", start: false);
        own.SetAppContainers("a", Crashed);
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var lists = a.PodClient!.Lists;
        var interval = NamedObjectWatch<PodSnapshot>.AwaitedChangeRelistInterval;

        await cluster.AdvanceAsync(interval * 3); // Cut after 10 and 20 s; the next would come 40 s later.
        Assert.Equal(lists + 2, a.PodClient.Lists);

        own.SetAppContainers("a", new AppContainersView("container app is not running: terminated (Error, exit code 1)", null));
        await cluster.AdvanceAsync(interval + TimeSpan.FromSeconds(1));

        Assert.Equal(lists + 3, a.PodClient.Lists);
        Assert.False(a.IsReady);
    }

    private static PodSnapshot Pod(AppContainersView containers) => new("uid-1", null, AppContainers: containers);

    private sealed class Rig
    {
        private readonly StringWriter log = new();

        public Rig()
        {
            Health = new AppContainersHealth(Time, new JsonLineLogger("elector", LogLevel.Information, log, Time));
            Health.Attach(() => Wakes++);
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

        public AppContainersHealth Health { get; }

        public int Wakes { get; private set; }

        public List<JsonElement> Lines() =>
            [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

        public IEnumerable<int> EventIds() => Lines().Select(l => l.GetProperty("eventId").GetInt32());
    }
}

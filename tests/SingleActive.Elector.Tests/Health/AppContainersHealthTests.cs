using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Logging;
using SingleActive.Elector.Health;
using SingleActive.Elector.Logging;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Tests.Election;
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
        await cluster.SettleAsync();

        Assert.True(a.IsReady);
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

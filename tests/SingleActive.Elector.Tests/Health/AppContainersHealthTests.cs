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

/// <summary>Leadership follows the app containers as the kubelet reports them in the elector's own pod.</summary>
public sealed class AppContainersHealthTests
{
    private const string Crashed = "container app is not ready: waiting (CrashLoopBackOff)";

    [Fact]
    public void BeforeThePodIsListed_DoesNotCampaign_ThenAReadyPodOpensTheGate()
    {
        var (health, _, wakes) = Start();
        Assert.False(health.CanCampaign);
        Assert.False(health.ShouldStepDown);
        Assert.Null(health.Ready);

        health.Saw(new PodSnapshot("uid-1", null));

        Assert.True(health.CanCampaign);
        Assert.False(health.ShouldStepDown);
        Assert.True(health.Ready);
        Assert.Equal(1, wakes());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PodNotSeen_GateOpenAndNothingStepsDown(bool noPod)
    {
        var (health, _, _) = Start();
        health.Saw(new PodSnapshot("uid-1", null, AppContainerNotReady: Crashed));

        if (noPod)
        {
            health.NoPod();
        }
        else
        {
            health.Unseen();
        }

        // As without this check: an elector that cannot see its pod campaigns and keeps what it holds.
        Assert.True(health.CanCampaign);
        Assert.False(health.ShouldStepDown);
        Assert.Null(health.Ready);
    }

    [Fact]
    public void AppContainerNotReady_NoCampaignAndALeaderStepsDown_SaidOncePerChange()
    {
        var (health, log, wakes) = Start();
        health.Saw(new PodSnapshot("uid-1", null));

        health.Saw(new PodSnapshot("uid-1", null, AppContainerNotReady: Crashed));
        health.Saw(new PodSnapshot("uid-1", null, AppContainerNotReady: Crashed)); // Another status write, same verdict.

        Assert.False(health.CanCampaign);
        Assert.True(health.ShouldStepDown);
        Assert.False(health.Ready);
        Assert.Equal(2, wakes());

        health.Saw(new PodSnapshot("uid-1", null));

        Assert.True(health.CanCampaign);
        Assert.False(health.ShouldStepDown);
        Assert.Equal(3, wakes());
        var lines = Lines(log);
        Assert.Equal([EventIds.AppContainerNotReady, EventIds.AppContainersReady], lines.Select(l => l.GetProperty("eventId").GetInt32()));
        Assert.Equal(
            "The pod cannot be Ready while its container app is not ready: waiting (CrashLoopBackOff): this replica does not campaign, and releases the Lease if it leads (unless failover is paused)",
            lines[0].GetProperty("msg").GetString());
    }

    [Fact]
    public void PodBeingDeleted_ItsContainersStoppingAreNoVerdict()
    {
        var (health, _, _) = Start();
        health.Saw(new PodSnapshot("uid-1", null));

        health.Saw(new PodSnapshot("uid-1", DateTimeOffset.UnixEpoch, AppContainerNotReady: "container app is not ready: terminated (Completed, exit code 0)"));

        Assert.True(health.CanCampaign);
        Assert.False(health.ShouldStepDown);
    }

    /// <summary>
    /// An app container without a readinessProbe crash-loops on the leader (no probe for the elector to run): the leader
    /// releases, a standby whose app runs takes over at once, and the crashed one leads again only when nobody else can.
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

        own.SetAppContainerNotReady("a", Crashed);
        await cluster.SettleAsync();

        // No fake time passed: the status change woke a, which released; b, watching the Lease, took it.
        Assert.False(a.IsReady);
        Assert.True(b.IsReady);
        Assert.Contains("lost:AppUnhealthy:-", a.Observer.Changes);

        // a's app keeps crashing: a stays a standby, also when b's app crashes too (nobody can serve).
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        own.SetAppContainerNotReady("b", Crashed);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.False(a.IsReady);
        Assert.False(b.IsReady);

        // a's app runs again: it campaigns and takes the free Lease.
        own.SetAppContainerNotReady("a", null);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(6));
        Assert.True(a.IsReady);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    /// <summary>A native-sidecar elector starts before the app containers: it does not campaign until they are ready.</summary>
    [Fact]
    public async Task AppContainersNotStartedYet_DoesNotCampaignUntilTheyAreReady()
    {
        var own = new InMemoryPodServer();
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings, ownPods: own, followAppContainers: true);
        var a = cluster.Add("a", start: false);
        own.SetAppContainerNotReady("a", "container app has not started yet");
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.False(a.IsReady);
        Assert.Equal(0, a.Client.Writes);

        own.SetAppContainerNotReady("a", null);
        await cluster.SettleAsync();

        Assert.True(a.IsReady);
    }

    private static (AppContainersHealth Health, StringWriter Log, Func<int> Wakes) Start()
    {
        var log = new StringWriter();
        var health = new AppContainersHealth(new JsonLineLogger("elector", LogLevel.Information, log, new FakeTimeProvider()));
        var wakes = 0;
        health.Attach(() => wakes++);
        return (health, log, () => wakes);
    }

    private static List<JsonElement> Lines(StringWriter log) =>
        [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
}

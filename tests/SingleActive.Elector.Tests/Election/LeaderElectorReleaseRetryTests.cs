using System.Net;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// The release on SIGTERM is the one write no later round makes good: a failure that may pass is tried again within the
/// renew deadline (<see cref="TermRounds.ReleaseAsync"/>), so the standby takes over at once instead of after the lease
/// duration. Default timings: lease 15 s, renew deadline 10 s, retry period 2 s, attempt timeout 3.3 s.
/// </summary>
public sealed class LeaderElectorReleaseRetryTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task StopAsync_ReleaseFailsTwiceOnAnApiServerBlip_TriedAgainAndTheStandbyLeadsWithinASecond()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        a.Client.NextReplaceFailures.Enqueue(new KubeApiException(HttpStatusCode.ServiceUnavailable, "503 Service Unavailable: the server is shutting down"));
        a.Client.NextReplaceFailures.Enqueue(new HttpRequestException("connection refused (test)"));
        await a.Stop.CancelAsync();
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(20), Step);

        // Pauses of 200 and 400 ms, then the release lands and b's watch takes it: far below the 15 s lease duration.
        var pauses = ReleasePacing.FirstPause * 3;
        Assert.InRange(waited, pauses - Step, pauses + Step);
        Assert.Contains(cluster.Server.History, r => r is { HolderIdentity: null });
        Assert.Equal(2, a.Metrics.ApiErrors("release"));
        Assert.Equal(1, cluster.MaxReadySeen);
        await a.Running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StopAsync_ReleaseAttemptHangs_AbandonedAfterTheAttemptTimeoutAndTriedAgainAtOnce()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        a.Client.HangNext = 1;
        await a.Stop.CancelAsync();
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(20), Step);

        var attemptTimeout = new ElectionSettings("a", ElectionTimings.Default).AttemptTimeout;
        Assert.InRange(waited, attemptTimeout - Step, attemptTimeout + Step);
        Assert.Equal(1, a.Metrics.ApiErrors("release"));
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task StopAsync_ReleaseForbidden_NotTriedAgainAndTheStandbyWaitsOutTheLease()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        a.Client.NextReplaceFailures.Enqueue(new KubeApiException(HttpStatusCode.Forbidden, "403 Forbidden: cannot update resource \"leases\""));
        await a.Stop.CancelAsync();
        await cluster.SettleAsync();
        await a.Running.WaitAsync(TimeSpan.FromSeconds(10)); // no fake time passed: nothing waited to try again

        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(20), Step);
        Assert.Equal(1, a.Metrics.ApiErrors("release"));
        Assert.DoesNotContain(cluster.Server.History, r => r is { HolderIdentity: null });
        Assert.True(waited >= ElectionTimings.Default.LeaseDuration - ElectionTimings.Default.RetryPeriod, $"b led {waited} after a stopped: before the Lease expired?");
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task StopAsync_ReleaseKeepsFailing_GivesUpAtTheRenewDeadline()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        for (var i = 0; i < 50; i++)
        {
            a.Client.NextReplaceFailures.Enqueue(new KubeApiException(HttpStatusCode.TooManyRequests, "429 Too Many Requests"));
        }

        await a.Stop.CancelAsync();
        var stopped = await cluster.AdvanceUntilAsync(() => a.Running.IsCompleted, TimeSpan.FromSeconds(20), Step);

        // Attempts at 0, 0.2, 0.6, 1.4, 3.0, 5.0, 7.0, 9.0 and 9.8 s: the pause doubles up to the 2 s retry period, the
        // last one shortened so that the attempt after it still has 200 ms; then no attempt has that much left.
        var last = ElectionTimings.Default.RenewDeadline - ReleasePacing.FirstPause;
        Assert.InRange(stopped, last - Step, last + Step);
        Assert.Equal(9, a.Metrics.ApiErrors("release"));
        Assert.DoesNotContain(cluster.Server.History, r => r is { HolderIdentity: null });
        Assert.False(b.IsReady);
    }

    [Fact]
    public async Task StopAsync_DuringTheLeadersPauseBetweenTwoAttemptsOfAStepDown_ExitsWithoutWaitingARound()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        // The app fails: the leader steps down and its release meets a 503 (a 200 ms pause follows, in the loop's wait).
        a.Client.NextReplaceFailures.Enqueue(new KubeApiException(HttpStatusCode.ServiceUnavailable, "503 Service Unavailable"));
        a.Health.CanCampaign = false;
        a.Health.ShouldStepDown = true;
        a.Elector.Wake();
        await cluster.SettleAsync();
        Assert.False(a.IsReady);

        // SIGTERM during the pause: its wake-up ends the pause; the release is written, and the loop, woken again, exits
        // without waiting a round (a jittered retry period: up to 2.4 s).
        await a.Stop.CancelAsync();
        var exited = await cluster.AdvanceUntilAsync(() => a.Running.IsCompleted, TimeSpan.FromSeconds(10), Step);

        Assert.True(exited <= Step, $"the loop exited {exited} after SIGTERM");
        Assert.Contains(cluster.Server.History, r => r is { HolderIdentity: null, PreviousHolder: "a" });
        await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(5), Step);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    private static async Task<(Candidate Leader, Candidate Standby)> LeaderAndStandbyAsync(ElectionCluster cluster)
    {
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.True(a.IsReady);
        Assert.False(b.IsReady);
        return (a, b);
    }
}

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
    public async Task Stop_ReleaseFailsTwiceOnAnApiServerBlip_TriedAgainAndTheStandbyLeadsWithinASecond()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        a.Client.NextWriteFailures.Enqueue(new KubeApiException(HttpStatusCode.ServiceUnavailable, "503 Service Unavailable: the server is shutting down"));
        a.Client.NextWriteFailures.Enqueue(new HttpRequestException("connection refused (test)"));
        await a.Stop.CancelAsync();
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(20), Step);

        // Pauses of 200 and 400 ms, then the release lands and b's watch takes it: far below the 15 s lease duration.
        var pauses = TermRounds.FirstReleasePause * 3;
        Assert.InRange(waited, pauses - Step, pauses + Step);
        Assert.Contains(cluster.Server.History, r => r is { HolderIdentity: null });
        Assert.Equal(2, a.Metrics.ApiErrors("release"));
        Assert.Equal(1, cluster.MaxReadySeen);
        await a.Running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stop_ReleaseAttemptHangs_AbandonedAfterTheAttemptTimeoutAndTriedAgainAtOnce()
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
    public async Task Stop_ReleaseForbidden_NotTriedAgainAndTheStandbyWaitsOutTheLease()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        a.Client.NextWriteFailures.Enqueue(new KubeApiException(HttpStatusCode.Forbidden, "403 Forbidden: cannot update resource \"leases\""));
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
    public async Task Stop_ReleaseKeepsFailing_GivesUpAtTheRenewDeadline()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var (a, b) = await LeaderAndStandbyAsync(cluster);

        for (var i = 0; i < 50; i++)
        {
            a.Client.NextWriteFailures.Enqueue(new KubeApiException(HttpStatusCode.TooManyRequests, "429 Too Many Requests"));
        }

        await a.Stop.CancelAsync();
        var stopped = await cluster.AdvanceUntilAsync(() => a.Running.IsCompleted, TimeSpan.FromSeconds(20), Step);

        // Attempts at 0, 0.2, 0.6, 1.4, 3.0, 5.0, 7.0 and 9.0 s (the pause doubles up to the 2 s retry period); the next
        // pause would end after the 10 s renew deadline, which ends the release.
        Assert.InRange(stopped, ElectionTimings.Default.RenewDeadline - Step, ElectionTimings.Default.RenewDeadline + Step);
        Assert.Equal(8, a.Metrics.ApiErrors("release"));
        Assert.DoesNotContain(cluster.Server.History, r => r is { HolderIdentity: null });
        Assert.False(b.IsReady);
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

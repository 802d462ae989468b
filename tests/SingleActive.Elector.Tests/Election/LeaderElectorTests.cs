using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

public sealed class LeaderElectorTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task RunAsync_NoLease_CreatesItAndBecomesReady()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");

        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        Assert.True(a.IsReady);
        var lease = Assert.IsType<LeaseRecord>(cluster.Server.Current);
        Assert.Equal("a", lease.HolderIdentity);
        Assert.Equal(15, lease.LeaseDurationSeconds);
        Assert.Equal(0, lease.LeaseTransitions);
        Assert.Equal(["elected:0:-"], a.Observer.Changes);
    }

    [Fact]
    public async Task RunAsync_Leading_RenewsEveryRetryPeriod()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var writesAfterAcquire = a.Client.Writes;

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10));

        // Retry period 2 s: five renews in ten seconds, and readiness never dropped.
        Assert.Equal(5, a.Client.Writes - writesAfterAcquire);
        Assert.True(a.IsReady);
        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RunAsync_CandidatesRacing_ExactlyOneLeadsAndTheRestNeverBecomeReady(int count)
    {
        for (var seed = 1; seed <= 5; seed++)
        {
            await using var cluster = new ElectionCluster(seed: seed);
            var all = Enumerable.Range(0, count).Select(i => cluster.Add($"pod-{i}")).ToList();

            await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

            Assert.Equal(1, cluster.MaxReadySeen);
            var leader = Assert.Single(cluster.Ready);
            Assert.Equal(leader.Identity, cluster.Server.Current!.HolderIdentity);
            Assert.True(all.Where(c => c != leader).All(c => c.Observer.Changes.IsEmpty), string.Join("\n", cluster.Server.History.Select(r => r?.ToString() ?? "deleted")));
            Assert.Equal(0, cluster.Server.Current.LeaseTransitions);
        }
    }

    [Fact]
    public async Task RunAsync_StartedTogether_LosersSeeAConflictNotAnError()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a", start: false);
        var b = cluster.Add("b", start: false);

        // b's create lands between a's read (nothing there) and a's create.
        cluster.Server.BeforeWrite = server => server.Put(new LeaseRecord("b", 15, cluster.Time.GetUtcNow(), cluster.Time.GetUtcNow(), 0));
        cluster.Start(a);
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        Assert.False(a.IsReady);
        Assert.Equal(0, a.Metrics.ApiErrors("create"));
        Assert.Equal("b", a.Elector.Status.Leader);
        _ = b;
    }

    [Fact]
    public async Task RunAsync_ReleasedLeaseTakenByTwoStandbys_OnlyOneWinsTheCompareAndSwap()
    {
        await using var cluster = new ElectionCluster(ElectionCluster.FastTimings);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        var c = cluster.Add("c");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));

        await cluster.StopAsync(a);
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(200));

        var winner = Assert.Single(cluster.Ready);
        Assert.Contains(winner, new[] { b, c });
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
    }

    [Fact]
    public async Task RunAsync_LeaderKilled_StandbyAcquiresOnlyAfterTheLeaseExpires()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));
        var lastRenew = cluster.Server.History.Last(r => r?.HolderIdentity == "a");

        await cluster.KillAsync(a);
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(30));

        // b last saw a change when a's last renew landed (at most one retry period before the
        // kill); it may acquire no earlier than a lease duration after that, and promptly then.
        Assert.InRange(waited, TimeSpan.FromSeconds(15) - TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15) + Second);
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
        Assert.Equal(["elected:1:a"], b.Observer.Changes);
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.NotNull(lastRenew);
    }

    [Fact]
    public async Task StopAsync_Leader_ReleasesAndStandbyLeadsWithinOneStep()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        await a.Stop.CancelAsync();
        Assert.False(a.IsReady); // readiness fails the moment shutdown starts, before any API call
        await cluster.SettleAsync();
        var released = cluster.Server.History.Single(r => r is { HolderIdentity: null });
        Assert.Equal(1, released!.LeaseDurationSeconds);

        // The watch delivered the release: no fake time had to pass at all.
        Assert.True(b.IsReady);
        Assert.Equal(["elected:0:-", "lost:ShuttingDown:-"], a.Observer.Changes);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task StopAsync_LeaseTakenMeanwhile_ReleaseDoesNotOverwriteTheNewHolder()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        // Someone else writes between a's last renew and its release: the precondition must stop a.
        cluster.Server.BeforeWrite = server => server.Put(new LeaseRecord("intruder", 15, null, null, 7));
        await cluster.StopAsync(a);

        Assert.Equal("intruder", cluster.Server.Current!.HolderIdentity);
        Assert.Equal(7, cluster.Server.Current.LeaseTransitions);
    }

    [Theory]
    [InlineData(LeaseFault.Hang)]
    [InlineData(LeaseFault.Fail)]
    public async Task RunAsync_LeaderCutOff_NotReadyAtTheRenewDeadlineAndNeverTwoReady(LeaseFault fault)
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        var c = cluster.Add("c");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(100));

        // Align on a renew: the last successful one starts now.
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current!.RenewTime == cluster.Time.GetUtcNow(), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(10));
        a.Client.Fault = fault;

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        Assert.True(a.IsReady);
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(10));
        Assert.False(a.IsReady);
        Assert.Equal("lost:RenewDeadlineExceeded:-", a.Observer.Changes.Last());

        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady || c.IsReady, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));

        // Someone else leads only after the full lease duration from a's last renew: 15 s, i.e.
        // at least 5 s after a stopped answering ready, which covers the kubelet's probe.
        Assert.True(waited >= TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(50), $"took over after {waited}");
        Assert.Equal(1, cluster.MaxReadySeen);

        // The connection comes back: a rejoins as a standby and never turns ready again.
        a.Client.Fault = LeaseFault.None;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        Assert.False(a.IsReady);
        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.True(a.Metrics.ApiErrors("update") > 0);
    }

    [Fact]
    public async Task RunAsync_LeaseTakenByAnother_LeaderStepsDownOnItsNextRenew()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        cluster.Server.Put(new LeaseRecord("admin-chose-me", 15, null, null, 5));
        await cluster.SettleAsync();

        Assert.False(a.IsReady);
        Assert.Equal("lost:LeaseTaken:admin-chose-me", a.Observer.Changes.Last());
    }

    [Fact]
    public async Task RunAsync_LeaseWithAncientRenewTime_WaitsAFullLeaseDurationFromWhenItSawIt()
    {
        await using var cluster = new ElectionCluster();

        // Another node's clock is an hour behind: its renewTime looks long expired to us.
        var ancient = cluster.Time.GetUtcNow() - TimeSpan.FromHours(1);
        cluster.Server.Put(new LeaseRecord("elsewhere", 15, ancient, ancient, 3));
        var b = cluster.Add("b");

        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        Assert.InRange(waited, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15) + Second);
        Assert.Equal(4, cluster.Server.Current!.LeaseTransitions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public async Task RunAsync_StandbyWallClockJumps_DoesNotAcquire(int hours)
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        b.Clock.WallClockOffset = TimeSpan.FromHours(hours);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        Assert.True(a.IsReady);
        Assert.False(b.IsReady);
        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task RunAsync_LeaderWallClockJumps_StaysReady()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        var leader = Assert.Single(cluster.Ready);
        var standby = leader == a ? b : a;

        leader.Clock.WallClockOffset = TimeSpan.FromHours(-3);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        Assert.True(leader.IsReady);
        Assert.False(standby.IsReady);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task RunAsync_AppUnhealthy_DoesNotCampaign()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a", start: false);
        a.Health.CanCampaign = false;
        cluster.Start(a);

        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        Assert.Null(cluster.Server.Current);
        Assert.False(a.IsReady);

        a.Health.CanCampaign = true;
        a.Elector.Wake();
        await cluster.SettleAsync();
        Assert.True(a.IsReady);
    }

    [Fact]
    public async Task RunAsync_LeaderAppFails_ReleasesAndHealthyStandbyTakesOver()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        a.Health.CanCampaign = false;
        a.Health.ShouldStepDown = true;
        a.Elector.Wake();
        await cluster.SettleAsync();

        Assert.False(a.IsReady);
        Assert.True(b.IsReady);
        Assert.Equal("lost:AppUnhealthy:-", a.Observer.Changes.Last());

        // a does not take it back while its app is unhealthy, and b keeps it once a recovers.
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        a.Health.CanCampaign = true;
        a.Health.ShouldStepDown = false;
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        Assert.True(b.IsReady);
        Assert.False(a.IsReady);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task RunAsync_LeaderAppFailsWhileApiHangs_NotReadyAtOnceAndTheLoopStaysAlive()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        a.Client.Fault = LeaseFault.Hang;
        a.Health.CanCampaign = false;
        a.Health.ShouldStepDown = true;
        a.Elector.Wake();
        await cluster.SettleAsync();
        Assert.False(a.IsReady);

        // The release hangs: each attempt is abandoned after the attempt timeout (a third of the 10 s renew deadline) and
        // tried again at once, until less than 200 ms of the renew deadline is left; the loop carries on beating.
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        Assert.True(a.Elector.IsAlive);
        Assert.Equal(3, a.Metrics.ApiErrors("release"));
    }

    [Fact]
    public async Task RunAsync_RestartedWithItsOwnNameInTheLease_WaitsForTheOldTermToExpire()
    {
        await using var cluster = new ElectionCluster();
        var now = cluster.Time.GetUtcNow();
        cluster.Server.Put(new LeaseRecord("a", 15, now, now, 2));

        var a = cluster.Add("a");
        var waited = await cluster.AdvanceUntilAsync(() => a.IsReady, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        Assert.InRange(waited, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(16));
        Assert.Equal(3, cluster.Server.Current!.LeaseTransitions); // a new term, a new epoch
    }

    [Fact]
    public async Task RunAsync_TwoProcessesWithTheSameName_NeverBothReady()
    {
        await using var cluster = new ElectionCluster();
        var first = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        var second = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, cluster.MaxReadySeen);
        Assert.True(first.IsReady);
        Assert.False(second.IsReady);
    }

    [Fact]
    public async Task RunAsync_LeaseDeleted_LeaderRecreatesItOnItsNextRenew()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        cluster.Server.Delete();
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.True(a.IsReady);
        Assert.Equal("a", cluster.Server.Current!.HolderIdentity);
    }

    [Fact]
    public async Task Status_Leader_ReportsItselfWithTheLeaseEpoch()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));
        await cluster.StopAsync(a);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(2));

        var status = b.Elector.Status;

        Assert.Equal("b", status.Identity);
        Assert.Equal("b", status.Leader);
        Assert.True(status.IsLeader);
        Assert.Equal(1, status.LeaseTransitions);
        Assert.Equal(cluster.Server.Current!.AcquireTime, status.AcquiredAt);
        Assert.Equal(cluster.Server.Current.RenewTime, status.LastRenewedAt);
    }

    [Fact]
    public async Task IsAlive_AfterTheLoopExits_IsFalse()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        Assert.True(a.Elector.IsAlive);

        await cluster.StopAsync(a);

        Assert.False(a.Elector.IsAlive);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_LeaseDeletedOrClearedAfterTheLeaderDied_StandbyWaitsOutTheLastTerm(bool deleted)
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));

        // a's node lost the control plane (it may still serve); then someone removes its Lease.
        await cluster.KillAsync(a);
        if (deleted)
        {
            cluster.Server.Delete();
        }
        else
        {
            cluster.Server.Put(new LeaseRecord(null, 15, null, null, 0));
        }

        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(30));

        // As if a had simply died: b saw a's last renew at most one retry period before the kill.
        Assert.InRange(waited, TimeSpan.FromSeconds(15) - TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15) + Second);
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
        Assert.Equal(["elected:1:a"], b.Observer.Changes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_LeaseDeletedOrClearedUnderTheLeader_StopsBeingReadyAndStartsANewTerm(bool deleted)
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));
        bool? readyWhileRetaking = null;
        cluster.Server.BeforeWrite = _ => readyWhileRetaking = a.Elector.IsReady;

        if (deleted)
        {
            cluster.Server.Delete();
        }
        else
        {
            cluster.Server.Put(new LeaseRecord(null, 15, null, null, 0));
        }

        await cluster.SettleAsync();

        // a was no longer the holder: not ready by the time it wrote again, then a new term, a new epoch.
        Assert.False(readyWhileRetaking);
        Assert.True(a.IsReady);
        Assert.False(b.IsReady);
        Assert.Equal(["elected:0:-", "lost:LeaseRemoved:-", "elected:1:a"], a.Observer.Changes);
        Assert.Equal(1, cluster.Server.Current!.LeaseTransitions);
        Assert.Equal(1, cluster.MaxReadySeen);
    }

    [Fact]
    public async Task Observe_AbsenceReadBeforeTheWin_KeepsLeading()
    {
        // The watch's first GET is sent before the elector creates the Lease and answers after the create's answer
        // arrived (seen on a loaded machine): that 404 says nothing about the Lease now.
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a", start: false);
        var mark = a.Elector.ReadMark;
        cluster.Start(a);
        await cluster.AdvanceUntilAsync(() => a.IsReady, TimeSpan.FromSeconds(5));

        a.Elector.Observe(null, mark);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(["elected:0:-"], a.Observer.Changes);
        Assert.Equal(0, cluster.Server.Current!.LeaseTransitions);
    }

    [Fact]
    public async Task RunAsync_LeaseDeletedAndRecreated_EpochContinuesFromTheLastSeen()
    {
        await using var cluster = new ElectionCluster();
        var now = cluster.Time.GetUtcNow();
        cluster.Server.Put(new LeaseRecord("elsewhere", 15, now, now, 3));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        cluster.Server.Delete();
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(3, b.Elector.Status.LeaseTransitions); // /status never reports a lower epoch
        Assert.False(b.IsReady);

        await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(30));

        Assert.Equal(4, cluster.Server.Current!.LeaseTransitions);
        Assert.Equal(4, b.Elector.Status.LeaseTransitions);
    }

    [Fact]
    public async Task RunAsync_LeaseReleased_ASuccessorThatNeverSawTheHolderStillNamesIt()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        await cluster.StopAsync(a);
        Assert.Equal("a", cluster.Server.Current!.PreviousHolder);

        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        Assert.True(b.IsReady);
        Assert.Equal(["elected:1:a"], b.Observer.Changes);
        Assert.Equal("a", cluster.Server.Current!.PreviousHolder);
    }

    [Fact]
    public async Task RunAsync_RenewHangsOnOneConnection_RetriedOnAFreshOneWithinTheDeadline()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        await cluster.AdvanceUntilAsync(() => cluster.Server.Current!.RenewTime == cluster.Time.GetUtcNow(), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(10));

        a.Client.HangNext = 1;
        var readyThroughout = true;
        for (var i = 0; i < 120; i++)
        {
            await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
            readyThroughout &= a.IsReady;
        }

        Assert.True(readyThroughout);
        Assert.Equal(["elected:0:-"], a.Observer.Changes);
        Assert.Equal(1, a.Metrics.ApiErrors("update"));
    }

    /// <summary>A standby's read hangs on a frozen connection when the leader releases: its attempt is abandoned after the attempt timeout, not a whole call deadline.</summary>
    [Fact]
    public async Task RunAsync_StandbysAcquireAttemptHangs_AbandonedAfterTheAttemptTimeoutAndTheReleasedLeaseTaken()
    {
        await using var cluster = new ElectionCluster(ElectionTimings.Default);
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        b.Client.HangNext = 1;
        await cluster.StopAsync(a);
        var waited = await cluster.AdvanceUntilAsync(() => b.IsReady, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));

        var settings = new ElectionSettings("b", ElectionTimings.Default);
        var bound = settings.AttemptTimeout + (ElectionTimings.RetryJitterFactor * ElectionTimings.Default.RetryPeriod) + ElectionTimings.Default.RetryPeriod;
        Assert.True(waited <= bound, $"b led {waited} (fake time) after a released; bound {bound}");
        Assert.True(waited >= settings.AttemptTimeout - ElectionTimings.Default.RetryPeriod, $"b led after {waited}: did its read hang at all?");
    }

    [Fact]
    public void LivenessWindow_Defaults_CoversOneTimedOutCallAndAJitteredWait()
    {
        var settings = new ElectionSettings("a", ElectionTimings.Default);

        Assert.True(settings.LivenessWindow > ElectionTimings.Default.RenewDeadline + (ElectionTimings.RetryJitterFactor * ElectionTimings.Default.RetryPeriod));
    }
}

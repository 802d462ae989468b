using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.Tests.Leases;

namespace SingleActive.Elector.Tests.Election;

public sealed class TermRoundsTests
{
    private static readonly ElectionSettings Settings = new("web-0", ElectionTimings.Default);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLeaseServer server = new();
    private readonly ElectorMetrics metrics = new();
    private readonly Lock gate = new();
    private readonly InMemoryLeaseClient client;
    private readonly LeaseElection election;
    private readonly RecordingLeaderTerm term;
    private readonly TermRounds rounds;

    public TermRoundsTests()
    {
        election = new LeaseElection(Settings.Identity, Settings.Timings.LeaseDuration, time);
        term = new RecordingLeaderTerm(election);
        client = server.Connect();
        var controls = new OperatorControls(Settings, time, null, metrics, NullLogger.Instance);
        var campaign = new ElectorCampaign(election, gate, controls, new MaintenanceState(Settings, time, metrics, NullLogger.Instance), time, Settings.TakeUpWindow, NullLogger.Instance, term.Observe, (change, decidedAt) => rounds!.OwnWriteLanded(change, decidedAt));
        var releases = new ReleaseWrites(Settings, time, new WakeSignal(time), metrics, NullLogger.Instance);
        rounds = new TermRounds(Settings, election, gate, new LeaseRound(client, campaign), time, controls, null, metrics, NullLogger.Instance, term, releases);
    }

    /// <summary>A term of this replica's seen written with no attempt in flight wakes the loop to lead in it, unless it was sent longer than the take-up window ago.</summary>
    [Fact]
    public void OwnWriteLanded_NoAttemptInFlight_WakesForAFreshTermOnly()
    {
        var decidedAt = time.GetTimestamp();

        Assert.True(rounds.OwnWriteLanded(LeaseChange.OwnTermLanded, decidedAt));
        Assert.False(rounds.OwnWriteLanded(LeaseChange.OwnRenewLanded, decidedAt));
        time.Advance(Settings.TakeUpWindow);
        Assert.False(rounds.OwnWriteLanded(LeaseChange.OwnTermLanded, decidedAt));
    }

    /// <summary>
    /// An earlier renew seen written ends the attempt in flight (a write on a resourceVersion that is gone): the call it
    /// waits on is told to give up before <see cref="TermRounds.OwnWriteLanded"/> returns, though the attempt's callbacks
    /// run later on the thread pool (not under the elector's lock). Was: the call held a token linked to the attempt's,
    /// cancelled only when those callbacks ran; meanwhile the call looked unended and, in the cluster tests, fake time
    /// moved on past the term's renew deadline (as real time would).
    /// </summary>
    [Fact]
    public async Task OwnWriteLanded_AnEarlierRenewLanded_TheCallInFlightIsToldToGiveUpAtOnce()
    {
        await rounds.TryAcquireAsync(CancellationToken.None);
        var decidedAt = time.GetTimestamp();
        time.Advance(TimeSpan.FromSeconds(2));
        client.HangNext = 1;
        var renewing = rounds.RenewAsync(CancellationToken.None);
        Assert.True(client.IsParkedInHang);

        lock (gate)
        {
            Assert.False(rounds.OwnWriteLanded(LeaseChange.OwnRenewLanded, decidedAt));
            Assert.False(client.IsParkedInHang);
        }

        await renewing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["elected:0:-"], term.Calls); // the next attempt renewed
        Assert.Equal(time.GetUtcNow(), server.Current!.RenewTime);
    }

    [Fact]
    public async Task TryAcquireAsync_NoLease_BecomesLeaderOfTheFirstTerm()
    {
        await rounds.TryAcquireAsync(CancellationToken.None);

        Assert.Equal(["elected:0:-"], term.Calls);
        Assert.Equal("web-0", server.Current!.HolderIdentity);
    }

    [Fact]
    public async Task RenewAsync_SomeoneElseTookTheLease_LosesToThem()
    {
        await rounds.TryAcquireAsync(CancellationToken.None);
        server.Put(server.Current! with { HolderIdentity = "web-1", LeaseTransitions = 1 });

        await rounds.RenewAsync(CancellationToken.None);

        Assert.Equal(["elected:0:-", "lost:LeaseTaken:web-1"], term.Calls);
    }

    [Fact]
    public async Task RenewAsync_OwnTerm_RenewTimeMoves()
    {
        await rounds.TryAcquireAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));

        await rounds.RenewAsync(CancellationToken.None);

        Assert.Equal(time.GetUtcNow(), server.Current!.RenewTime);
        Assert.Equal(election.Own, server.Current);
    }

    [Fact]
    public async Task ReleaseAsync_Leader_LosesWaitsForTheKubeletThenReleases()
    {
        await rounds.TryAcquireAsync(CancellationToken.None);

        await rounds.ReleaseAsync(LeadershipLossReason.ShuttingDown, CancellationToken.None);

        Assert.Equal(["elected:0:-", "lost:ShuttingDown:-"], term.Calls);
        Assert.True(server.Current!.IsRelease);
        Assert.Equal("web-0", server.Current.PreviousHolder);
    }

    [Fact]
    public async Task ReleaseAsync_WithASuccessor_NamesItOnTheLease()
    {
        await rounds.TryAcquireAsync(CancellationToken.None);
        var successor = new HandoverRecord(PlannedHandover.NodeDrain, "web-2", "web-0", HandoverOutcome.InProgress, "drain", time.GetUtcNow());

        await rounds.ReleaseAsync(LeadershipLossReason.PodDeleting, CancellationToken.None, successor);

        Assert.Equal("web-2", server.Current!.Controls!.PreferredHolder);
        Assert.Equal(successor, server.Current.Controls.LastHandover);
    }
}

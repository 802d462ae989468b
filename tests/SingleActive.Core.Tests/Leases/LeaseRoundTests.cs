using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;

namespace SingleActive.Core.Tests.Leases;

public sealed class LeaseRoundTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLeaseStore store = new();

    [Fact]
    public async Task AttemptAsync_NoLease_CreatesTheFirstTerm()
    {
        var (election, round) = Campaign("web-0");

        var outcome = await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None);

        Assert.Equal("web-0", outcome.Written!.HolderIdentity);
        Assert.Equal(0, outcome.Written.LeaseTransitions);
        Assert.Equal(["get", "create"], store.Calls);
        Assert.True(election.Seen.HasObserved);
    }

    [Fact]
    public async Task AttemptAsync_HeldByALiveHolder_WaitsAndNamesIt()
    {
        store.Put(new LeaseRecord("web-1", 15, null, time.GetUtcNow(), 2));
        var (_, round) = Campaign("web-0");

        var outcome = await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None);

        Assert.Null(outcome.Written);
        Assert.Equal("web-1", outcome.HeldBy);
        Assert.Equal(["get"], store.Calls);
    }

    [Fact]
    public async Task AttemptAsync_SomeoneWritesBetweenReadAndWrite_LosesTheRoundWithoutRetrying()
    {
        store.Put(new LeaseRecord(null, LeaseRecord.ReleasedLeaseDurationSeconds, null, null, 2, PreviousHolder: "web-1"));
        store.BeforeCall = call =>
        {
            if (call == "update")
            {
                store.Put(new LeaseRecord("web-2", 15, null, null, 3));
            }
        };
        var (_, round) = Campaign("web-0");

        var outcome = await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None);

        Assert.Equal(default, outcome);
        Assert.Equal("web-2", store.Current!.HolderIdentity);
    }

    [Fact]
    public async Task AttemptAsync_LeaderWhoseLeaseSomeoneLabelled_ReadsAgainAndRenews()
    {
        var (election, round) = Campaign("web-0");
        var won = (await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None)).Written!;
        election.Won(won, time.GetTimestamp());
        store.Put(won); // Someone touched it: only the resourceVersion moved.
        store.Calls.Clear();

        var outcome = await round.AttemptAsync(election.Own, leadingNow: true, CancellationToken.None, CancellationToken.None);

        Assert.Equal(["update", "get", "update"], store.Calls);
        Assert.Equal(won.LeaseTransitions, outcome.Written!.LeaseTransitions);
    }

    [Fact]
    public async Task AttemptAsync_StoreFails_ReportsTheOperationAndTheError()
    {
        store.FailNext = new HttpRequestException("connection refused");
        var (_, round) = Campaign("web-0");

        var outcome = await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None);

        Assert.Equal(LeaseCall.Get, outcome.FailedCall);
        Assert.IsType<HttpRequestException>(outcome.Error);
        Assert.False(outcome.TimedOut);
    }

    [Fact]
    public async Task AttemptAsync_AttemptTimesOutBeforeStop_ReportedAsATimeout()
    {
        var (_, round) = Campaign("web-0");
        using var timedOut = new CancellationTokenSource();
        await timedOut.CancelAsync();

        var outcome = await round.AttemptAsync(null, leadingNow: false, timedOut.Token, CancellationToken.None);

        Assert.True(outcome.TimedOut);
        Assert.Equal(LeaseCall.Get, outcome.FailedCall);
    }

    [Fact]
    public async Task AttemptAsync_Stopped_Throws()
    {
        var (_, round) = Campaign("web-0");
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round.AttemptAsync(null, leadingNow: false, stop.Token, stop.Token));
    }

    [Fact]
    public async Task ReleaseAsync_SomeoneTouchedTheLease_ReadsAgainAndReleasesWhileItIsOurs()
    {
        var (election, round) = Campaign("web-0");
        var won = (await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None)).Written!;
        store.Put(won);

        var released = await round.ReleaseAsync(won, "web-0", election.Released, CancellationToken.None);

        Assert.True(released!.IsRelease);
        Assert.True(store.Current!.IsRelease);
    }

    [Fact]
    public async Task ReleaseAsync_SomeoneElseTookIt_LeavesItAlone()
    {
        var (election, round) = Campaign("web-0");
        var won = (await round.AttemptAsync(null, leadingNow: false, CancellationToken.None, CancellationToken.None)).Written!;
        store.Put(won with { HolderIdentity = "web-1", LeaseTransitions = 1 });

        Assert.Null(await round.ReleaseAsync(won, "web-0", election.Released, CancellationToken.None));
        Assert.Equal("web-1", store.Current!.HolderIdentity);
    }

    private (LeaseElection Election, LeaseRound Round) Campaign(string identity)
    {
        var election = new LeaseElection(identity, TimeSpan.FromSeconds(15), time);
        return (election, new LeaseRound(store, new SimpleCampaign(election)));
    }

    /// <summary>The rules alone, as the webhook's certificate lock uses them.</summary>
    private sealed class SimpleCampaign(LeaseElection election) : ILeaseCampaign
    {
        public bool IsLeading => election.IsLeading;

        public long ReadMark => election.Seen.Count;

        public void Observe(LeaseRecord? record, long readMark) => election.Observe(record, readMark);

        public LeaseWrite? Decide(LeaseRecord? current, bool leadingNow) =>
            election.Allows(current, leadingNow) ? new LeaseWrite(election.Desired(current, leadingNow, election.Seen.PreviousHolderOf(current)), election.Seen.PreviousHolderOf(current)) : null;
    }
}

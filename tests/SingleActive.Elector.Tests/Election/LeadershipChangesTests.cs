using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Election;

public sealed class LeadershipChangesTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingObserver observer = new();
    private readonly LeaseElection election;
    private readonly LeadershipChanges changes;

    public LeadershipChangesTests()
    {
        election = new LeaseElection("web-0", TimeSpan.FromSeconds(15), time);
        changes = new LeadershipChanges("web-0", election, new TermReadiness(election, null, TimeSpan.FromSeconds(10)), new Lock(), observer, new ElectorMetrics(), NullLogger.Instance);
    }

    [Fact]
    public void BecomeLeaderThenLose_ObserverToldInOrder()
    {
        changes.BecomeLeader(new LeaseRecord("web-0", 15, null, null, 2, "1"), "web-1", time.GetTimestamp());
        changes.Lose(LeadershipLossReason.LeaseTaken, "web-1");

        Assert.Equal(["elected:2:web-1", "lost:LeaseTaken:web-1"], observer.Changes);
        Assert.False(election.IsLeading);
    }

    [Fact]
    public void Lose_NotLeading_NothingToTell()
    {
        changes.Lose(LeadershipLossReason.RenewDeadlineExceeded, null);

        Assert.Empty(observer.Changes);
    }

    [Fact]
    public void Lose_LeaseRemovedUnderAFreshTerm_MayRetake()
    {
        changes.BecomeLeader(new LeaseRecord("web-0", 15, null, null, 2, "1"), null, time.GetTimestamp());

        changes.Lose(LeadershipLossReason.LeaseRemoved, null);

        Assert.True(election.MayRetake);
    }

    [Fact]
    public void Lose_LeaseRemovedAfterTheRenewDeadline_WaitsItsTermOut()
    {
        changes.BecomeLeader(new LeaseRecord("web-0", 15, null, null, 2, "1"), null, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(10));

        changes.Lose(LeadershipLossReason.LeaseRemoved, null);

        Assert.False(election.MayRetake);
    }
}

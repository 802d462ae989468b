using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

public sealed class TermReadinessTests
{
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LeaseElection election;

    public TermReadinessTests()
    {
        election = new LeaseElection("web-0", TimeSpan.FromSeconds(15), time);
    }

    [Fact]
    public void IsReady_FreshLeader_UntilTheRenewDeadlinePasses()
    {
        var readiness = new TermReadiness(election, null, RenewDeadline);
        Assert.False(readiness.IsReady);
        election.Won(new LeaseRecord("web-0", 15, null, null, 1, "1"), time.GetTimestamp());

        Assert.True(readiness.IsReady);
        time.Advance(RenewDeadline);
        Assert.False(readiness.IsReady);
    }

    [Fact]
    public void IsReady_StoppingOrRetired_False()
    {
        var readiness = new TermReadiness(election, null, RenewDeadline);
        election.Won(new LeaseRecord("web-0", 15, null, null, 1, "1"), time.GetTimestamp());

        readiness.Stopping = true;
        Assert.False(readiness.IsReady);
        readiness.Stopping = false;
        readiness.Retired = true;
        Assert.False(readiness.IsReady);
    }

    [Fact]
    public void Status_GateClosedForThisEpoch_AwaitingFence()
    {
        var readiness = new TermReadiness(election, new Gate(openFrom: 3), RenewDeadline);
        election.Won(new LeaseRecord("web-0", 15, null, null, 2, "1", PreviousHolder: "web-1"), time.GetTimestamp());

        var status = readiness.Status();

        Assert.False(readiness.IsReady);
        Assert.True(status.IsLeader);
        Assert.True(status.AwaitingFence);
        Assert.Equal("web-0", status.Leader);
        Assert.Equal(2, status.LeaseTransitions);
    }

    [Fact]
    public void Status_AReadOlderThanAStateSeenBeforeIt_CountedAsARewind()
    {
        var readiness = new TermReadiness(election, null, RenewDeadline);
        election.Observe(new LeaseRecord("web-1", 15, null, null, 4, "20"));
        var mark = election.Seen.Count;

        Assert.Equal(LeaseChange.Rewound, election.Observe(new LeaseRecord("web-1", 15, null, null, 3, "12"), mark));
        Assert.Equal(1, readiness.Status().LeaseRewinds);
    }

    private sealed class Gate(int openFrom) : IReadinessGate
    {
        public bool IsOpen(int epoch) => epoch >= openFrom;
    }
}

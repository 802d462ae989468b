using SingleActive.Core.Leases;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>An <see cref="ILeaderTerm"/> on a <see cref="LeaseElection"/> that writes down what it was asked to do.</summary>
internal sealed class RecordingLeaderTerm(LeaseElection election) : ILeaderTerm
{
    public List<string> Calls { get; } = [];

    public LeaseRecord? OwnTermAsSeen() => election.OwnTermAsSeen();

    public void Rewrote(LeaseRecord written)
    {
        Calls.Add("rewrote");
        election.Rewrote(written);
        election.Observe(written);
    }

    public void AllowRetake()
    {
        Calls.Add("allow-retake");
        election.MayRetake = true;
    }

    public void BecomeLeader(LeaseRecord record, string? previousHolder, long attemptStart)
    {
        Calls.Add($"elected:{record.LeaseTransitions}:{previousHolder ?? "-"}");
        election.Won(record, attemptStart);
    }

    public void Lose(LeadershipLossReason reason, string? newHolder)
    {
        Calls.Add($"lost:{reason}:{newHolder ?? "-"}");
        election.StepDown(mayRetake: false);
    }

    public Task AwaitKubeletAsync(LeadershipLossReason reason, CancellationToken cancellationToken)
    {
        Calls.Add("kubelet");
        return Task.CompletedTask;
    }

    public void Observe(LeaseRecord? record) => election.Observe(record);

    public void Observe(LeaseRecord? record, long readMark) => election.Observe(record, readMark);
}

using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Controls;

/// <summary>The electors' answer to a handover request, read from the Lease's <c>single-active.io/last-handover</c>.</summary>
public sealed record HandoverAnswer(HandoverRecord Record)
{
    /// <summary>
    /// The answer once there is one: a record other than <paramref name="before"/> (the one on the Lease when the
    /// request was written), for this request, with a final outcome. <c>in-progress</c> is not final: the chosen pod
    /// has yet to take the Lease.
    /// </summary>
    public static HandoverAnswer? Of(HandoverRecord? before, string requested, V1Lease? lease)
    {
        var annotations = lease?.Metadata?.Annotations;
        var record = HandoverRecord.Parse(annotations is not null && annotations.TryGetValue(Annotations.LastHandover, out var json) ? json : null);
        return record is null || record == before || record.Requested != requested || record.Outcome == HandoverOutcome.InProgress
            ? null
            : new HandoverAnswer(record);
    }

    public ControlResult ToResult(SingleActiveWorkload workload, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var elapsed = LeaseControl.Format(took);
        return Record.Outcome switch
        {
            HandoverOutcome.Done => ControlResult.Done($"{workload.Reference}: handover done in {elapsed}: {Record.Reason}"),
            HandoverOutcome.Refused => ControlResult.Failed($"{workload.Reference}: handover refused after {elapsed}, {Record.From} keeps leading: {Record.Reason}"),
            _ => ControlResult.Failed($"{workload.Reference}: handover failed after {elapsed}: {Record.Reason}"),
        };
    }
}

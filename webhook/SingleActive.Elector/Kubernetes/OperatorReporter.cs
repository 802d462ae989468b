using SingleActive.Contract;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Makes the operator controls visible: Events on this pod for every handover outcome this replica writes and for
/// the pause, and this replica's candidacy as a pod condition (<see cref="CandidacyAdvertiser"/>).
/// </summary>
public sealed class OperatorReporter(LeadershipReporter events, CandidacyAdvertiser candidacy, string podName, string leaseDescription) : IOperatorObserver
{
    public const string HandoverStartedReason = "HandoverStarted";
    public const string HandoverRefusedReason = "HandoverRefused";
    public const string HandoverCompletedReason = "HandoverCompleted";
    public const string HandoverFailedReason = "HandoverFailed";
    public const string PausedReason = "FailoverPaused";
    public const string ResumedReason = "FailoverResumed";
    public const string TakeoverPausedReason = "TakeoverPaused";

    public void OnCandidacyChanged(bool candidate, string reason, string why, bool leading) => candidacy.Want(candidate, reason, why, leading);

    public void OnHandover(HandoverRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var requested = PlannedHandover.IsPlanned(record.Requested) ? $"planned: {record.Requested.Trim('(', ')')}" : $"{Annotations.PreferredHolder}={record.Requested}";
        switch (record.Outcome)
        {
            case HandoverOutcome.InProgress:
                events.AddEvent(HandoverStartedReason, "Normal", $"{podName} hands Lease {leaseDescription} over to {record.Target} ({requested}); only {record.Target} may take it");
                break;
            case HandoverOutcome.Refused:
                events.AddEvent(HandoverRefusedReason, "Warning", $"{podName} refused to hand Lease {leaseDescription} over ({requested}) and keeps leading: {record.Reason}");
                break;
            case HandoverOutcome.Done:
                events.AddEvent(HandoverCompletedReason, "Normal", $"Handover of Lease {leaseDescription} done ({requested}): {record.Reason}");
                break;
            default:
                events.AddEvent(HandoverFailedReason, "Warning", $"Handover of Lease {leaseDescription} failed ({requested}): {record.Reason}");
                break;
        }
    }

    public void OnPauseChanged(bool paused, bool leading)
    {
        // The leader speaks for the Lease; a standby shows the pause when it holds back (OnTakeoverPaused).
        if (!leading)
        {
            return;
        }

        if (paused)
        {
            events.AddEvent(PausedReason, "Warning", $"Failover of Lease {leaseDescription} is paused ({Annotations.Paused}): {podName} keeps leading, no other replica takes over, not even if {podName} stops, until the annotation is removed");
        }
        else
        {
            events.AddEvent(ResumedReason, "Normal", $"Failover of Lease {leaseDescription} is resumed: {podName} leads, and standbys take over again when it stops");
        }
    }

    public void OnTakeoverPaused(string? lastHolder) =>
        events.AddEvent(TakeoverPausedReason, "Warning", $"{podName} does not take over Lease {leaseDescription} (last held by {lastHolder ?? "nobody"}): failover is paused until the annotation {Annotations.Paused} is removed (kubectl single-active resume)");
}

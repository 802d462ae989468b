using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Election;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Makes leadership changes visible on the pods: Events (<c>LeaderElected</c>, <c>LeadershipLost</c>
/// with the reason) for <c>kubectl describe pod</c>; in readiness mode the previous holder's pod
/// marked not ready before this term may serve (<see cref="ReadinessGate"/>); in label mode the
/// <c>single-active.io/role</c> label Services select on. Runs off the election loop.
/// </summary>
/// <remarks>
/// <para>Labels are reconciled, not fired and forgotten: each wanted label is retried with backoff
/// until it is written or its pod is gone, whatever is queued behind it (<see cref="ReportBacklog"/>).
/// Events are best-effort and never hold a label up.</para>
/// <para>In label mode a new leader first demotes the previous holder's pod and labels itself
/// <c>leader</c> only once that demotion is written (or that pod is gone): a leader cut off from
/// the API server cannot remove its own label, so the one who can reach the API does it, and two
/// pods are never labelled leader by this replica's doing. While the demotion fails, the Service
/// has no endpoint rather than two.</para>
/// <para>In readiness mode a new leader first sets the previous holder's pod <c>Ready</c> condition
/// to <c>False</c> through <c>pods/status</c>, and its <see cref="ReadinessGate"/> opens only once
/// that is written (or the pod is gone): a holder whose node lost the API server stays Ready in the
/// API, and an endpoint of the Service, until its kubelet reports again, which it cannot. While the
/// fence fails, this replica stays not ready and retries: safety before availability.</para>
/// <para>Every term also sweeps: it lists the running pods of its Lease and
/// fences (readiness mode) or demotes (label mode) every other one still Ready or labelled <c>leader</c>, before it
/// serves. A fence or demotion the previous holder still owed when its own term ended dies with that term (it must:
/// written late it could hit a pod leading again), and only the previous holder knew of it; a holder partitioned
/// two terms ago would otherwise stay an endpoint next to this one until the node lifecycle controller marks its
/// pods not ready (tens of seconds). The sweep needs <c>list</c> on pods; refused that (403), the term fences the
/// previous holder only, as before, and says so.</para>
/// </remarks>
public sealed class LeadershipReporter(
    IPodApi api,
    string @namespace,
    string podName,
    string? podUid,
    string leaseDescription,
    string leaseName,
    ElectorMode mode,
    TimeProvider time,
    TimeSpan retryPeriod,
    ElectorMetrics metrics,
    ILogger logger) : ILeadershipObserver
{
    public const string ElectedReason = "LeaderElected";
    public const string LostReason = "LeadershipLost";
    private readonly ReportBacklog backlog = new(time, retryPeriod);
    private readonly PreviousHolderFence fence = new(api, podName, leaseDescription, time, metrics, logger);
    private readonly PodEventWriter events = new(api, @namespace, podName, podUid, metrics, logger);
    private readonly Parking parking = new(time);

    /// <summary>Opens for a term once its fence is done, or at once when none is needed (see remarks).</summary>
    public IReadinessGate ReadinessGate => fence.Gate;

    /// <summary>
    /// Waiting with nothing due and nothing new (tests use this to let work settle). A reporter that has returned is not
    /// idle but done: its task (<see cref="RunAsync"/>) says so.
    /// </summary>
    public bool IsIdle => parking.IsParked && !backlog.Changed.IsCompleted;

    /// <summary>Label mode starts every replica as standby, so a fresh pod is never selected by accident.</summary>
    public void OnStarted()
    {
        if (mode == ElectorMode.Label)
        {
            backlog.AddLabel(podName, Labels.Standby);
        }
    }

    public void OnElected(LeaseRecord record, string? previousHolder)
    {
        // A term that succeeds this very pod (its container restarted) has nobody to fence: the
        // kubelet already takes this pod's readiness from its own /readyz.
        // Every term sweeps, also one that succeeds nobody or this very pod: a term this pod held before (it lost it at
        // its renew deadline, or its container restarted, then won again) dropped the fences it still owed.
        var previous = previousHolder is { Length: > 0 } p && p != podName ? p : null;
        if (mode == ElectorMode.Label)
        {
            if (previous is not null)
            {
                backlog.AddLabel(previous, Labels.Standby);
            }

            backlog.AddSweep(record.LeaseTransitions);
            backlog.AddLabel(podName, Labels.Leader);

            // Services select on the label, which waits for the demotions above; /readyz is health only.
            fence.Gate.Open(record.LeaseTransitions);
        }
        else
        {
            if (previous is not null)
            {
                backlog.AddFence(previous, record.LeaseTransitions);
            }

            backlog.AddSweep(record.LeaseTransitions);
        }

        var message = $"{podName} became leader of Lease {leaseDescription} (leaseTransitions {record.LeaseTransitions}, previous holder {(string.IsNullOrEmpty(previousHolder) ? "none" : previousHolder)})";
        backlog.AddEvent(ElectedReason, "Normal", message, time.GetUtcNow());
    }

    public void OnLost(LeadershipLossReason reason, string? newHolder)
    {
        // Not leading any more: a leader label not yet written must not be, and demotions and fences
        // this term still owed are the next leader's to make (it demotes or fences this pod first;
        // another pod may by then lead again, and fencing it late would empty the Service).
        backlog.DropWrites(write => write is LabelIntent { Role: Labels.Standby } own && own.Pod == podName);
        if (mode == ElectorMode.Label)
        {
            backlog.AddLabel(podName, Labels.Standby);
        }

        var why = reason switch
        {
            LeadershipLossReason.RenewDeadlineExceeded => "no renew succeeded within the renew deadline (API server unreachable?)",
            LeadershipLossReason.LeaseTaken => $"the Lease is held by {newHolder ?? "another replica"}",
            LeadershipLossReason.LeaseRemoved => "the Lease was deleted or its holder cleared by someone else",
            LeadershipLossReason.AppUnhealthy => "the app failed its health check (its readinessProbe, or an app container stopped running: see the log); the Lease was released for a healthy replica",
            LeadershipLossReason.HandedOver => $"handed the Lease over to {newHolder} on request (single-active.io/preferred-holder)",
            LeadershipLossReason.PodDeleting => "its pod is being deleted; the Lease was released for a quick handover",
            _ => "shutting down; the Lease was released for a quick handover",
        };
        var type = reason is LeadershipLossReason.ShuttingDown or LeadershipLossReason.HandedOver or LeadershipLossReason.PodDeleting ? "Normal" : "Warning";
        backlog.AddEvent(LostReason, type, $"{podName} stopped leading Lease {leaseDescription}: {why}", time.GetUtcNow());
    }

    /// <summary>Records an Event on this pod (best-effort, like every Event; see <see cref="ReportBacklog"/>).</summary>
    public void AddEvent(string reason, string type, string message) => backlog.AddEvent(reason, type, message, time.GetUtcNow());

    /// <summary>No more reports; <see cref="RunAsync"/> finishes what is queued and returns.</summary>
    public void Complete() => backlog.Complete();

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var changed = backlog.Changed;
                switch (backlog.Next(out var wait, out var done))
                {
                    case LabelIntent label:
                        await LabelAsync(label, stop).ConfigureAwait(false);
                        break;
                    case FenceIntent intent:
                        await fence.WriteAsync(backlog, intent, stop).ConfigureAwait(false);
                        break;
                    case SweepIntent sweep:
                        await SweepAsync(sweep, stop).ConfigureAwait(false);
                        break;
                    case ReportBacklog.PendingEvent pending:
                        await events.WriteAsync(backlog, pending, stop).ConfigureAwait(false);
                        break;
                    case null when done:
                        return;
                    default:
                        await parking.PauseAsync(wait, changed, stop).ConfigureAwait(false);
                        stop.ThrowIfCancellationRequested();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Finds the pods of this Lease an earlier term left serving and queues their fences or demotions in the sweep's place.</summary>
    private async Task SweepAsync(SweepIntent sweep, CancellationToken stop)
    {
        IReadOnlyList<LeasePod> pods;
        try
        {
            pods = await api.ListLeasePodsAsync(leaseName, stop).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // A ClusterRole single-active-elector older than this image, without "list" on pods: the previous holder's fence or demotion is all this term can do.
            Log.SweepForbidden(logger, ErrorText.Of(e));
            pods = [];
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError(ApiOperation.Pods);
            Log.SweepFailed(logger, sweep.Epoch, ErrorText.Of(e));
            backlog.WriteFailed(sweep);
            return;
        }

        // The previous holder is fenced or demoted just before (its write is ahead of the sweep in the backlog).
        var found = new List<PodWrite>();
        var names = new List<string>();
        foreach (var pod in pods)
        {
            if (pod.Name == podName)
            {
                continue;
            }

            if (mode == ElectorMode.Label ? pod.Role == Labels.Leader : pod.MayServe && pod.Mode is null or "readiness")
            {
                names.Add(pod.Name);
                found.Add(mode == ElectorMode.Label ? new LabelIntent(pod.Name, Labels.Standby) : new FenceIntent(pod.Name, sweep.Epoch, stale: true));
            }
        }

        if (names.Count > 0)
        {
            Log.StaleLeadersFound(logger, string.Join(", ", names), sweep.Epoch);
        }

        if (backlog.SweepDone(sweep, found) && mode == ElectorMode.Readiness && !backlog.OwesFences(sweep.Epoch))
        {
            fence.Gate.Open(sweep.Epoch);
        }
    }

    private async Task LabelAsync(LabelIntent label, CancellationToken stop)
    {
        try
        {
            if (await api.SetRoleLabelAsync(label.Pod, label.Role, stop).ConfigureAwait(false))
            {
                Log.Labelled(logger, label.Pod, Labels.Role, label.Role);
            }

            backlog.WriteDone(label);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError(ApiOperation.Label);
            Log.LabelFailed(logger, label.Pod, Labels.Role, label.Role, ErrorText.Of(e));
            backlog.WriteFailed(label);
        }
    }
}

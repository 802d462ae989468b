using System.Threading.Channels;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Makes leadership changes visible on the pod: Events (<c>LeaderElected</c>, <c>LeadershipLost</c>
/// with the reason) for <c>kubectl describe pod</c>, and in label mode the
/// <c>single-active.io/role</c> label Services select on. Runs off the election loop, in order.
/// </summary>
/// <remarks>
/// In label mode a new leader first demotes the previous holder's pod: a leader cut off from the
/// API server cannot remove its own label, so the one who can reach the API does it.
/// </remarks>
public sealed class LeadershipReporter(
    IPodApi api,
    string @namespace,
    string podName,
    string? podUid,
    string leaseDescription,
    ElectorMode mode,
    TimeProvider time,
    TimeSpan retryPeriod,
    ElectorMetrics metrics,
    ILogger logger) : ILeadershipObserver
{
    public const string ElectedReason = "LeaderElected";
    public const string LostReason = "LeadershipLost";
    private const string Component = "single-active-elector";

    private readonly Channel<Func<CancellationToken, Task>> work = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new() { SingleReader = true });
    private int queued;
    private string? uid = podUid;
    private bool uidLookedUp = podUid is not null;

    /// <summary>Label mode starts every replica as standby, so a fresh pod is never selected by accident.</summary>
    public void OnStarted()
    {
        if (mode == ElectorMode.Label)
        {
            Enqueue(ct => LabelAsync(podName, Labels.Standby, ct));
        }
    }

    public void OnElected(LeaseRecord record, string? previousHolder)
    {
        if (mode == ElectorMode.Label)
        {
            if (previousHolder is { Length: > 0 } previous && previous != podName)
            {
                Enqueue(ct => LabelAsync(previous, Labels.Standby, ct));
            }

            Enqueue(ct => LabelAsync(podName, Labels.Leader, ct));
        }

        var message = $"{podName} became leader of Lease {leaseDescription} (leaseTransitions {record.LeaseTransitions}, previous holder {(string.IsNullOrEmpty(previousHolder) ? "none" : previousHolder)})";
        Enqueue(ct => EventAsync(ElectedReason, "Normal", message, ct));
    }

    public void OnLost(LeadershipLossReason reason, string? newHolder)
    {
        if (mode == ElectorMode.Label)
        {
            Enqueue(ct => LabelAsync(podName, Labels.Standby, ct));
        }

        var why = reason switch
        {
            LeadershipLossReason.RenewDeadlineExceeded => "no renew succeeded within the renew deadline (API server unreachable?)",
            LeadershipLossReason.LeaseTaken => $"the Lease is held by {newHolder ?? "another replica"}",
            LeadershipLossReason.AppUnhealthy => "the app failed its health check; the Lease was released for a healthy replica",
            _ => "shutting down; the Lease was released for a quick handover",
        };
        var type = reason == LeadershipLossReason.ShuttingDown ? "Normal" : "Warning";
        Enqueue(ct => EventAsync(LostReason, type, $"{podName} stopped leading Lease {leaseDescription}: {why}", ct));
    }

    /// <summary>No more reports; <see cref="RunAsync"/> finishes what is queued and returns.</summary>
    public void Complete() => work.Writer.TryComplete();

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var item in work.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                Interlocked.Decrement(ref queued);
                await item(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Enqueue(Func<CancellationToken, Task> item)
    {
        Interlocked.Increment(ref queued);
        if (!work.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref queued);
        }
    }

    /// <summary>Retries until it sticks, unless a newer report is queued (it supersedes this one) or we stop.</summary>
    private async Task LabelAsync(string pod, string role, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await api.SetRoleLabelAsync(pod, role, stop).ConfigureAwait(false))
                {
                    Log.Labelled(logger, pod, Labels.Role, role);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                metrics.RecordApiError("label");
                Log.LabelFailed(logger, pod, Labels.Role, role, ErrorText.Of(e));
            }

            if (Volatile.Read(ref queued) > 0)
            {
                return;
            }

            await Task.Delay(retryPeriod, time, stop).ConfigureAwait(false);
        }
    }

    private async Task EventAsync(string reason, string type, string message, CancellationToken stop)
    {
        try
        {
            if (!uidLookedUp)
            {
                uidLookedUp = true;
                try
                {
                    uid = await api.GetPodUidAsync(podName, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.PodUidUnknown(logger, ErrorText.Of(e));
                }
            }

            var now = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            var @event = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["generateName"] = podName + ".", ["namespace"] = @namespace },

                // kubectl describe pod lists Events by the pod's kind, namespace, name and uid.
                ["involvedObject"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["namespace"] = @namespace, ["name"] = podName, ["uid"] = uid },
                ["reason"] = reason,
                ["message"] = message,
                ["type"] = type,
                ["source"] = new JsonObject { ["component"] = Component },
                ["reportingComponent"] = Component,
                ["reportingInstance"] = podName,
                ["firstTimestamp"] = now,
                ["lastTimestamp"] = now,
                ["count"] = 1,
            };
            await api.CreateEventAsync(@event, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError("event");
            Log.EventFailed(logger, reason, podName, ErrorText.Of(e));
        }
    }
}

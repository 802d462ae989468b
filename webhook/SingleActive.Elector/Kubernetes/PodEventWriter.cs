using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Writes the elector's Events on its own pod (best-effort, retried by <see cref="ReportBacklog"/> within
/// <see cref="ReportBacklog.EventRetryWindow"/>). Each carries the pod's uid — from <c>POD_UID</c>, else read from the
/// pod once — which is what <c>kubectl describe pod</c> filters on.
/// </summary>
internal sealed class PodEventWriter(IPodApi api, string @namespace, string podName, string? podUid, ElectorMetrics metrics, ILogger logger)
{
    private const string Component = "single-active-elector";

    private string? uid = podUid;
    private bool uidLookedUp = podUid is not null;

    /// <summary>Creates the Event and tells <paramref name="backlog"/> whether it was written.</summary>
    public async Task WriteAsync(ReportBacklog backlog, ReportBacklog.PendingEvent pending, CancellationToken stop)
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
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    Log.PodUidUnknown(logger, ErrorText.Of(e));
                }
            }

            await api.CreateEventAsync(ToEvent(pending), stop).ConfigureAwait(false);
            backlog.EventDone();
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError(ApiOperation.Event);
            Log.EventFailed(logger, pending.Reason, podName, ErrorText.Of(e));
            if (backlog.EventFailed(pending))
            {
                Log.EventDropped(logger, pending.Reason, podName, Duration.Format(ReportBacklog.EventRetryWindow));
            }
        }
    }

    /// <summary>The core/v1 Event for <paramref name="pending"/>, about this pod.</summary>
    public JsonObject ToEvent(ReportBacklog.PendingEvent pending)
    {
        var at = pending.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = podName + ".", ["namespace"] = @namespace },

            // kubectl describe pod lists Events by the pod's kind, namespace, name and uid.
            ["involvedObject"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["namespace"] = @namespace, ["name"] = podName, ["uid"] = uid },
            ["reason"] = pending.Reason,
            ["message"] = pending.Message,
            ["type"] = pending.Type,
            ["source"] = new JsonObject { ["component"] = Component },
            ["reportingComponent"] = Component,
            ["reportingInstance"] = podName,
            ["firstTimestamp"] = at,
            ["lastTimestamp"] = at,
            ["count"] = 1,
        };
    }
}

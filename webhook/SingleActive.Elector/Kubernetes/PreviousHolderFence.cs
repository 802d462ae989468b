using Microsoft.Extensions.Logging;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Readiness mode: marks the previous holder's pod not ready (<c>Ready</c> and <c>ContainersReady</c>) through <c>pods/status</c> and opens
/// the new term's <see cref="Gate"/> once that is written or the pod is gone. A failure keeps
/// the gate closed and the write queued for a retry with backoff; it is counted, logged every
/// time, and recorded as a <see cref="FailedReason"/> Event at most every <see cref="EventInterval"/>.
/// Called only from <see cref="LeadershipReporter"/>'s loop.
/// </summary>
/// <remarks>
/// Why the previous holder's kubelet does not undo this: it computes both conditions from its own
/// probe results and overwrites the condition with them at its next status sync. By the time
/// anyone else holds the Lease, the old elector answers 503 (it released the Lease, or its renew
/// deadline passed before the Lease could expire), so what its kubelet reports is "not ready" too.
/// </remarks>
internal sealed class PreviousHolderFence(
    IPodApi api,
    string podName,
    string leaseDescription,
    TimeProvider time,
    ElectorMetrics metrics,
    ILogger logger)
{
    public const string FailedReason = "FenceFailed";

    /// <summary>The reason on the <c>Ready</c> and <c>ContainersReady</c> conditions of a fenced pod.</summary>
    public const string ConditionReason = "SingleActiveFenced";

    /// <summary>While a fence keeps failing, at most one Event this often (the log has every try).</summary>
    public static readonly TimeSpan EventInterval = TimeSpan.FromMinutes(1);

    private long? eventAt;

    public FenceGate Gate { get; } = new();

    /// <summary>Writes <paramref name="fence"/>, the head of <paramref name="backlog"/>, and settles it there.</summary>
    public async Task WriteAsync(ReportBacklog backlog, FenceIntent fence, CancellationToken stop)
    {
        try
        {
            // No read first: one call, and no "get" permission. A pod already not ready gets our
            // reason and a new lastTransitionTime, which its kubelet replaces with its own.
            var message = fence.Stale
                ? $"{podName} leads Lease {leaseDescription} (leaseTransitions {fence.Epoch}); {fence.Pod} is still Ready or ContainersReady from an earlier term and must not receive traffic"
                : $"{podName} leads Lease {leaseDescription} (leaseTransitions {fence.Epoch}); {fence.Pod} held it before and must not receive traffic";
            var existed = await api.MarkNotReadyAsync(fence.Pod, ConditionReason, message, time.GetUtcNow(), stop).ConfigureAwait(false);
            if (existed)
            {
                Log.Fenced(logger, fence.Pod, fence.Epoch);
            }
            else
            {
                Log.FenceTargetGone(logger, fence.Pod, fence.Epoch);
            }

            eventAt = null;
            if (backlog.WriteDone(fence) && !backlog.OwesFences(fence.Epoch))
            {
                Gate.Open(fence.Epoch);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            var error = ErrorText.Of(e);
            metrics.RecordApiError(ApiOperation.Fence);
            metrics.RecordFenceFailure();
            Log.FenceFailed(logger, fence.Pod, fence.Epoch, error);
            if (!backlog.WriteFailed(fence) && (eventAt is not { } last || time.GetElapsedTime(last) >= EventInterval))
            {
                eventAt = time.GetTimestamp();
                backlog.AddEvent(
                    FailedReason,
                    "Warning",
                    $"{podName} leads Lease {leaseDescription} (leaseTransitions {fence.Epoch}) but could not mark {fence.Pod}, {(fence.Stale ? "still Ready or ContainersReady from an earlier term" : "the previous holder")}, not ready: {error}. It stays not ready until that succeeds and keeps retrying (the elector needs \"patch\" on pods/status).",
                    time.GetUtcNow());
            }
        }
    }
}

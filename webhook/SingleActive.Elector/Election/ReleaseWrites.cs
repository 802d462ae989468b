using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Errors;
using SingleActive.Core.Leases;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>
/// The write of a release — at SIGTERM, the pod's deletion, an unhealthy app (<see cref="TermRounds.ReleaseAsync"/>),
/// and a directed or planned handover (<see cref="Handovers.HandOverAsync"/>) — tried again within the renew deadline.
/// </summary>
/// <remarks>
/// A release is the one write that no later round makes good: the term is already given up, so a release that is not
/// written leaves every standby waiting out the lease duration (15 s by default) instead of taking over at once, and a
/// handover's leader without readiness until it retakes its term. A failure that may pass
/// (<see cref="ApiFailures.MayPass"/>: no answer, no connection, HTTP 429 or 5xx, as from an API server restarting or
/// overloaded) is therefore tried again within the renew deadline: each attempt bounded by
/// <see cref="ElectionSettings.AttemptTimeout"/> and what is left (one stuck on a dead connection is abandoned, which
/// replaces the connection, and tried again at once), a fast failure after a pause (<see cref="ReleasePacing"/>). The
/// pause is the election loop's own wait: any wake-up ends it early, and one it consumed is handed back to the loop
/// afterwards. A refusal that will not pass (403: no RBAC to update Leases, 422, a conflict, ...) ends it at once.
/// Trying again is safe: each write carries the resourceVersion of the state it releases, so if an earlier attempt did
/// land unseen, the next one conflicts and writes nothing; the caller's attempt then reads the Lease again and finds it
/// released (<see cref="LeaseRound.ReleaseAsync"/>: no longer naming this replica; a handover: showing the handover).
/// </remarks>
internal sealed class ReleaseWrites(ElectionSettings settings, TimeProvider time, WakeSignal wake, ElectorMetrics metrics, ILogger logger)
{
    /// <summary>Makes attempts of <paramref name="write"/>; never throws.</summary>
    /// <param name="write">One attempt, ended by its token: the release as written, or <c>null</c> when the Lease no longer names this replica.</param>
    /// <param name="label">Why, for the logs (<see cref="ElectorMetrics.ReasonLabel"/>).</param>
    /// <param name="start">The monotonic timestamp the renew deadline counts from.</param>
    /// <param name="ct">Ends it too; its callers set it to the renew deadline as well.</param>
    /// <returns>
    /// <c>Written</c>: the release as written. Both <c>null</c>: the Lease no longer names this replica, nothing to write.
    /// <c>Failure</c>: why it was given up (the caller logs it with its own consequence).
    /// </returns>
    public async Task<(LeaseRecord? Written, string? Failure)> WriteAsync(Func<CancellationToken, Task<LeaseRecord?>> write, string label, long start, CancellationToken ct)
    {
        var pacing = new ReleasePacing(settings);
        var paused = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var bound = pacing.AttemptBound(time.GetElapsedTime(start));
                using var timeout = new CancellationTokenSource(bound, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                Exception? failure;
                try
                {
                    var written = await write(linked.Token).ConfigureAwait(false);
                    if (written is null && attempt > 1)
                    {
                        Log.ReleaseOutcomeUnseen(logger, label, attempt);
                    }

                    return (written, null); // Released, or the Lease no longer names this replica.
                }
                catch (Exception e)
                {
                    failure = e;
                }

                metrics.RecordApiError(ApiOperation.Release);
                var noAnswer = failure is OperationCanceledException && (timeout.IsCancellationRequested || ct.IsCancellationRequested);
                var error = noAnswer ? $"no answer within {Duration.Format(bound)}" : ErrorText.Of(failure);
                if (ct.IsCancellationRequested || pacing.NextWait(time.GetElapsedTime(start), noAnswer) is not { } wait)
                {
                    return (null, GaveUp(attempt, error));
                }

                if (!(noAnswer || ApiFailures.MayPass(failure)))
                {
                    return (null, error);
                }

                Log.ReleaseRetrying(logger, label, attempt, Duration.Format(wait), error);
                if (wait > TimeSpan.Zero)
                {
                    paused = true;
                    if (!await wake.PauseAsync(wait, ct).ConfigureAwait(false))
                    {
                        return (null, GaveUp(attempt, error));
                    }
                }
            }
        }
        finally
        {
            if (paused)
            {
                wake.Wake(); // A wake-up a pause took (SIGTERM, the app's health, the pod's deletion) is the loop's.
            }
        }
    }

    private static string GaveUp(int attempts, string error) => $"gave up after {attempts} attempt(s) within the renew deadline: {error}";
}

using Microsoft.Extensions.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Keeps this replica's <c>single-active.io/candidate</c> pod condition equal to its latest candidacy: level-triggered,
/// retried with backoff (from the retry period, doubling, at most 30 s; a newer candidacy is tried at once) until
/// written or the pod is gone. A loop of its
/// own, so a failing write here never holds up a fence or a label (<see cref="LeadershipReporter"/>).
/// </summary>
public sealed class CandidacyAdvertiser(ICandidatePods pods, string podName, string leaseDescription, TimeProvider time, TimeSpan retryPeriod, ElectorMetrics metrics, ILogger logger)
{
    private readonly Lock gate = new();
    private Candidacy? wanted;
    private Candidacy? written;
    private TaskCompletionSource changed = NewSignal();
    private bool parked;

    /// <summary>Waiting with nothing new to write (tests use this to let work settle).</summary>
    public bool IsIdle
    {
        get
        {
            lock (gate)
            {
                return parked && !changed.Task.IsCompleted;
            }
        }
    }

    /// <summary>The candidacy to write: the condition's status and reason, <paramref name="why"/> for its message, and whether this replica leads (its deletion cost).</summary>
    public void Want(bool candidate, string reason, string why, bool leading)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            wanted = new Candidacy(candidate, reason, why, leading);
            signal = changed;
        }

        signal.TrySetResult();
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                Candidacy? next;
                Task signal;
                lock (gate)
                {
                    if (changed.Task.IsCompleted)
                    {
                        changed = NewSignal();
                    }

                    signal = changed.Task;
                    next = wanted == written ? null : wanted;
                }

                if (next is null)
                {
                    await ParkAsync(signal, Timeout.InfiniteTimeSpan, stop).ConfigureAwait(false);
                    continue;
                }

                if (await WriteAsync(next, stop).ConfigureAwait(false))
                {
                    failures = 0;
                    continue;
                }

                var backoff = retryPeriod * Math.Pow(2, Math.Min(failures++, 10));
                await ParkAsync(signal, backoff < ReportBacklog.MaxBackoff ? backoff : ReportBacklog.MaxBackoff, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<bool> WriteAsync(Candidacy next, CancellationToken stop)
    {
        var message = $"{podName} {(next.Candidate ? "can" : "cannot")} take over Lease {leaseDescription}: {next.Why}";
        try
        {
            if (!await pods.AdvertiseAsync(podName, next.Candidate, next.Reason, message, next.Leading, time.GetUtcNow(), stop).ConfigureAwait(false))
            {
                Log.CandidacyPodGone(logger, podName);
            }

            lock (gate)
            {
                written = next;
            }

            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError(ApiOperation.Candidacy);
            Log.CandidacyFailed(logger, podName, ErrorText.Of(e));
            return false;
        }
    }

    /// <summary>Waits for <paramref name="signal"/> or <paramref name="wait"/>, marked idle meanwhile; the timer unparks the moment it fires.</summary>
    private async Task ParkAsync(Task signal, TimeSpan wait, CancellationToken stop)
    {
        var over = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = wait == Timeout.InfiniteTimeSpan ? null : time.CreateTimer(
            _ =>
            {
                lock (gate)
                {
                    parked = false;
                }

                over.TrySetResult();
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        using var onStop = stop.Register(() => over.TrySetResult());
        lock (gate)
        {
            parked = true;
        }

        timer?.Change(wait, Timeout.InfiniteTimeSpan);
        await Task.WhenAny(signal, over.Task).ConfigureAwait(false);
        lock (gate)
        {
            parked = false;
        }

        stop.ThrowIfCancellationRequested();
    }

    private sealed record Candidacy(bool Candidate, string Reason, string Why, bool Leading);
}

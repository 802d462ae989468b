using Microsoft.Extensions.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Health;

/// <summary>
/// Checks the app periodically and gates the election on it: no campaign until the app has passed
/// a check (an app that is still starting must not become the only endpoint), and a leader steps
/// down after <c>failureThreshold</c> failures in a row (one slow answer is no reason to fail over).
/// </summary>
/// <param name="owned">Disposed with the monitor (the check's HTTP client), if given.</param>
public sealed class AppHealthMonitor(IAppHealthCheck check, int failureThreshold, TimeSpan interval, TimeProvider time, ILogger logger, IDisposable? owned = null)
    : IAppHealth, IDisposable
{
    /// <summary>A failure's reason is logged when it changes, else at most this often: a probe failing every second must not flood the log.</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(30);

    private int consecutiveFailures = -1; // -1: never checked yet
    private string? lastReason;
    private long lastReasonLoggedAt;
    private LeaderElector? elector;
    private long checks;
    private TaskCompletionSource checkNow = NewSignal();

    public bool CanCampaign => Volatile.Read(ref consecutiveFailures) == 0;

    public bool ShouldStepDown => Volatile.Read(ref consecutiveFailures) >= failureThreshold;

    /// <summary><c>null</c> until the first check, then whether the last check passed.</summary>
    public bool? LastCheckPassed => Volatile.Read(ref consecutiveFailures) switch
    {
        < 0 => null,
        0 => true,
        _ => false,
    };

    /// <summary>Checks done so far (their verdicts are already applied).</summary>
    public long Checks => Interlocked.Read(ref checks);

    public void Dispose() => owned?.Dispose();

    /// <summary>Ends the wait for the next check: the check runs now (after the one under way, if any).</summary>
    public void CheckNow() => Volatile.Read(ref checkNow).TrySetResult();

    /// <summary>The elector to wake when the verdict changes, so it acts without waiting a retry period.</summary>
    public void Attach(LeaderElector target) => elector = target;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            Volatile.Write(ref checkNow, NewSignal()); // A CheckNow from here on asks for the check after this one.
            bool passed;
            string? reason = null;
            try
            {
                passed = await check.CheckAsync(interval, stop).ConfigureAwait(false);
                reason = passed ? null : "the check answered unhealthy";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                passed = false;
                reason = ErrorText.Of(e);
            }

            LogFailure(reason);
            Record(passed);
            Interlocked.Increment(ref checks);
            var wait = interval - time.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                // The delay's own token, so a check asked for now does not leave its timer running.
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stop);
                await Task.WhenAny(Task.Delay(wait, time, delay.Token), Volatile.Read(ref checkNow).Task).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void LogFailure(string? reason)
    {
        if (reason is null)
        {
            lastReason = null;
            return;
        }

        if (reason != lastReason || time.GetElapsedTime(lastReasonLoggedAt) >= FailureLogInterval)
        {
            lastReason = reason;
            lastReasonLoggedAt = time.GetTimestamp();
            Log.AppHealthCheckFailed(logger, reason);
        }
    }

    private void Record(bool passed)
    {
        var before = Volatile.Read(ref consecutiveFailures);
        var after = passed ? 0 : Math.Max(before, 0) + 1;
        Volatile.Write(ref consecutiveFailures, after);
        if ((before == 0) != (after == 0) || before < 0)
        {
            Log.AppHealthChanged(logger, after == 0, after);
        }

        // Wake on the transitions the elector acts on: healthy again (campaign), or threshold reached (step down).
        if ((after == 0 && before != 0) || (after == failureThreshold))
        {
            elector?.Wake();
        }
    }
}

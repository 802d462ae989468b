using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>Pacing: how long to wait before the next round, and a wait that a wake-up ends early.</summary>
public sealed partial class LeaderElector
{
    private TimeSpan NextWait(long iterationStart)
    {
        TimeSpan period;
        lock (gate)
        {
            if (election.IsLeading)
            {
                period = Timings.RetryPeriod;
            }
            else
            {
                // client-go's jitter: spread standbys so they do not hit the API server in lockstep.
                period = Timings.RetryPeriod * (1 + (random.NextDouble() * (ElectionTimings.RetryJitterFactor - 1)));

                // Wake exactly when the holder's lease would expire rather than up to a period later
                // (also a term that outlives its deleted or cleared Lease).
                if (election.UntilTermExpires() is { } untilExpiry && untilExpiry > TimeSpan.Zero && untilExpiry < period)
                {
                    return untilExpiry;
                }
            }
        }

        return period - time.GetElapsedTime(iterationStart);
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stop)
    {
        Task signal;
        lock (gate)
        {
            if (wake.Task.IsCompleted)
            {
                wake = NewWake();
                return;
            }

            signal = wake.Task;
        }

        if (wait > TimeSpan.Zero)
        {
            // The timer ends the wait through Wake(), so "parked" (IsIdle) turns false the very
            // moment the wait is over, wherever the timer fires.
            using var timer = time.CreateTimer(static state => ((LeaderElector)state!).Wake(), this, wait, Timeout.InfiniteTimeSpan);
            lock (gate)
            {
                waiting = !signal.IsCompleted;
            }

            await signal.ConfigureAwait(false);
        }

        lock (gate)
        {
            waiting = false;
            if (wake.Task.IsCompleted)
            {
                wake = NewWake();
            }
        }

        stop.ThrowIfCancellationRequested();
    }
}

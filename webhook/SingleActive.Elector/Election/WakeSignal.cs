namespace SingleActive.Elector.Election;

/// <summary>
/// The election loop's wait between rounds, and the signal that ends it early (the app's health changed, the Lease
/// was released, SIGTERM). A wake that arrives while no wait is in progress is kept: the next wait returns at once.
/// </summary>
internal sealed class WakeSignal(TimeProvider time)
{
    private readonly Lock gate = new();
    private TaskCompletionSource wake = New();
    private bool waiting;

    /// <summary>The loop is parked in a wait with no wake-up pending.</summary>
    public bool IsParked
    {
        get
        {
            lock (gate)
            {
                return waiting;
            }
        }
    }

    /// <summary>Ends the current wait, or the next one if none is in progress.</summary>
    public void Wake()
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            waiting = false;
            signal = wake;
        }

        signal.TrySetResult();
    }

    /// <summary>
    /// Waits <paramref name="wait"/> (nothing when zero or negative) or until <see cref="Wake"/>; returns at once, and
    /// consumes it, when a wake-up is pending.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> fired: checked first (its wake-up may have been
    /// consumed by another wait meanwhile, a release's pause) and after a wait, which a stop ends through <see cref="Wake"/>.</exception>
    public async Task WaitAsync(TimeSpan wait, CancellationToken stop)
    {
        stop.ThrowIfCancellationRequested();
        Task signal;
        lock (gate)
        {
            if (wake.Task.IsCompleted)
            {
                wake = New();
                return;
            }

            signal = wake.Task;
        }

        if (wait > TimeSpan.Zero)
        {
            // The timer ends the wait through Wake(), so "parked" turns false the very moment the wait is over,
            // wherever the timer fires.
            using var timer = time.CreateTimer(static state => ((WakeSignal)state!).Wake(), this, wait, Timeout.InfiniteTimeSpan);
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
                wake = New();
            }
        }

        stop.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// A wait between two attempts of a call the loop is making (a release): <see cref="WaitAsync"/> that
    /// <paramref name="ct"/> ends too, so the loop counts as parked meanwhile and any wake-up ends it early.
    /// </summary>
    /// <returns>False when <paramref name="ct"/> fired.</returns>
    public async Task<bool> PauseAsync(TimeSpan wait, CancellationToken ct)
    {
        try
        {
            using (ct.Register(static signal => ((WakeSignal)signal!).Wake(), this))
            {
                await WaitAsync(wait, ct).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

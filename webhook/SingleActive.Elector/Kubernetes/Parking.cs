namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Whether a background loop is parked, waiting for the API server or for its next try with nothing in hand (its
/// owner's <c>IsIdle</c>, which tests use to let work settle), and the timed pause that parks it. The pause's timer exists
/// before it counts as parked (a test that settles moves the clock the moment it does, and the loop's thread may be
/// descheduled anywhere in between), and the timer unparks it itself, so the loop counts as busy from the very moment
/// the pause is over, wherever the timer fires.
/// </summary>
internal sealed class Parking(TimeProvider time)
{
    private readonly Lock gate = new();
    private bool parked;
    private TaskCompletionSource? pause; // The pause parked now, if any.

    public bool IsParked => Volatile.Read(ref parked);

    /// <summary>Parked from before <paramref name="next"/> is called until what it returns is there (the next event of a watch).</summary>
    public async ValueTask<T> WhileAsync<T>(Func<ValueTask<T>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref parked, true);
        try
        {
            return await next().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref parked, false);
        }
    }

    /// <summary>Not parked any more: for what ends a wait from outside (a timer that cancels it), so the loop counts as busy from that moment.</summary>
    public void Unpark() => Volatile.Write(ref parked, false);

    /// <summary>
    /// Parked for <paramref name="wait"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit), until
    /// <paramref name="until"/> completes, or until <paramref name="stop"/> fires. Never throws.
    /// </summary>
    public async Task PauseAsync(TimeSpan wait, Task? until, CancellationToken stop)
    {
        var over = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStop = stop.Register(() => over.TrySetResult());
        using var timer = wait == Timeout.InfiniteTimeSpan ? null : time.CreateTimer(
            _ =>
            {
                // Under the lock, so the pause is never parked once its timer has fired; and only this pause: a timer
                // already firing when an earlier end (until) let the loop move on must not unpark its next wait.
                lock (gate)
                {
                    if (pause == over)
                    {
                        Volatile.Write(ref parked, false);
                    }

                    over.TrySetResult();
                }
            },
            null,
            wait,
            Timeout.InfiniteTimeSpan);
        lock (gate)
        {
            if (!over.Task.IsCompleted && until?.IsCompleted != true)
            {
                (pause, parked) = (over, true);
            }
        }

        await (until is null ? over.Task : Task.WhenAny(until, over.Task)).ConfigureAwait(false);
        lock (gate)
        {
            (pause, parked) = (null, false);
        }
    }
}

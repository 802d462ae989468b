namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Whether a background loop is parked, waiting for the API server or for its next try with nothing in hand (its
/// owner's <c>IsIdle</c>, which tests use to let work settle), and the timed pause that parks it. The pause's timer exists
/// before it counts as parked (a test that settles moves the clock the moment it does, and the loop's thread may be
/// descheduled anywhere in between), and what ends a wait from outside (the pause's timer, a stop, the token a watch's
/// wait observes) unparks it itself, so the loop counts as busy from the very moment the wait is over, wherever that
/// fires. (A watch the server ends unparks when the loop resumes.)
/// </summary>
internal sealed class Parking(TimeProvider time)
{
    private readonly Lock gate = new();
    private bool parked;
    private TaskCompletionSource? pause; // The pause parked now, if any.

    public bool IsParked => Volatile.Read(ref parked);

    /// <summary>
    /// Parked from before <paramref name="next"/> is called until what it returns is there (the next event of a watch),
    /// or until <paramref name="ended"/> fires: what ends the wait from outside (a stop, a timer that cancels the watch)
    /// unparks it itself, so the loop counts as busy from that moment, not from when the wait's continuation runs; once
    /// <paramref name="ended"/> has fired, it does not park.
    /// </summary>
    /// <param name="next">Starts the wait; it ends when <paramref name="ended"/> fires.</param>
    /// <param name="ended">The token that ends the wait (the one <paramref name="next"/> observes).</param>
    public async ValueTask<T> WhileAsync<T>(Func<ValueTask<T>> next, CancellationToken ended)
    {
        ArgumentNullException.ThrowIfNull(next);

        // Registered before parking, and both under the lock: a token that fires at any point either finds the loop
        // parked and unparks it, or is seen before parking.
        using var unpark = ended.UnsafeRegister(static state => ((Parking)state!).Unpark(), this);
        lock (gate)
        {
            parked = !ended.IsCancellationRequested;
        }

        try
        {
            return await next().ConfigureAwait(false);
        }
        finally
        {
            Unpark();
        }
    }

    /// <summary>
    /// Parked for <paramref name="wait"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit), until
    /// <paramref name="until"/> completes, or until <paramref name="stop"/> fires. Never throws.
    /// </summary>
    public async Task PauseAsync(TimeSpan wait, Task? until, CancellationToken stop)
    {
        var over = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The timer and the stop end the pause themselves, under the lock, so it is never parked once either has
        // fired; and only this pause: one already firing when an earlier end (until) let the loop move on must not
        // unpark its next wait.
        void End()
        {
            lock (gate)
            {
                if (pause == over)
                {
                    Volatile.Write(ref parked, false);
                }

                over.TrySetResult();
            }
        }

        using var onStop = stop.Register(End);
        using var timer = wait == Timeout.InfiniteTimeSpan ? null : time.CreateTimer(_ => End(), null, wait, Timeout.InfiniteTimeSpan);
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

    private void Unpark()
    {
        lock (gate)
        {
            parked = false;
        }
    }
}

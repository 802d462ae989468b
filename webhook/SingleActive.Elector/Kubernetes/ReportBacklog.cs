namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// What <see cref="LeadershipReporter"/> still has to write, and when to try next. Pod writes
/// (role labels, fences) are desired states, applied in order and retried with backoff until they
/// stick: a failed one is never dropped because something is queued behind it, only when a later
/// write of the same kind for the same pod supersedes it. Events are best-effort: retried for
/// <see cref="EventRetryWindow"/>, tried only while no pod write is due, so they never hold one
/// up. Thread-safe.
/// </summary>
internal sealed class ReportBacklog(TimeProvider time, TimeSpan retryPeriod)
{
    /// <summary>Backoff between failed tries doubles from the retry period up to this.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>An Event that could not be written for this long is dropped (it is in the log anyway).</summary>
    public static readonly TimeSpan EventRetryWindow = TimeSpan.FromMinutes(5);

    // Bounds memory through a long outage in which leadership keeps changing.
    private const int MaxEvents = 32;

    private readonly Lock gate = new();
    private readonly List<PodWrite> writes = [];
    private readonly Queue<PendingEvent> events = new();
    private Retry writeRetry;
    private Retry eventRetry;
    private TaskCompletionSource changed = NewSignal();
    private bool completed;

    /// <summary>Completes when something was added (or <see cref="Complete"/> was called) since the last <see cref="Next"/>.</summary>
    public Task Changed
    {
        get
        {
            lock (gate)
            {
                return changed.Task;
            }
        }
    }

    public void AddLabel(string pod, string role) => AddWrite(new LabelIntent(pod, role));

    /// <summary>Wants <paramref name="pod"/> marked not ready before the term <paramref name="epoch"/> may serve.</summary>
    public void AddFence(string pod, int epoch) => AddWrite(new FenceIntent(pod, epoch));

    /// <summary>Wants the pods of this Lease still serving from an earlier term found before the term <paramref name="epoch"/> may serve (see <see cref="SweepIntent"/>).</summary>
    public void AddSweep(int epoch) => AddWrite(new SweepIntent(epoch));

    /// <summary>Puts <paramref name="found"/> in the place of <paramref name="sweep"/>, which is done, so they are written before what was queued behind it.</summary>
    /// <returns><c>false</c> when the sweep had been dropped meanwhile (its term is over): nothing is added.</returns>
    public bool SweepDone(SweepIntent sweep, IReadOnlyList<PodWrite> found)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            var index = writes.IndexOf(sweep);
            if (index < 0)
            {
                return false;
            }

            writes.RemoveAt(index);
            writes.InsertRange(index, found);
            writeRetry = default;
            signal = changed;
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>Whether a fence or a sweep of term <paramref name="epoch"/> is still queued: its readiness gate stays closed.</summary>
    public bool OwesFences(int epoch)
    {
        lock (gate)
        {
            foreach (var write in writes)
            {
                if (write is FenceIntent fence && fence.Epoch == epoch || write is SweepIntent sweep && sweep.Epoch == epoch)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Drops the pod writes <paramref name="keep"/> rejects; one being written completes but is not retried.</summary>
    public void DropWrites(Func<PodWrite, bool> keep) => Change(() => writes.RemoveAll(write => !keep(write)));

    public void AddEvent(string reason, string type, string message, DateTimeOffset at) => Change(() =>
    {
        if (events.Count == MaxEvents)
        {
            events.Dequeue();
        }

        events.Enqueue(new PendingEvent(reason, type, message, at, time.GetTimestamp()));
    });

    public void Complete() => Change(() => completed = true);

    /// <summary>
    /// The next item due (a <see cref="PodWrite"/> or a <see cref="PendingEvent"/>), or <c>null</c>
    /// with how long to wait (<see cref="Timeout.InfiniteTimeSpan"/>: until something changes);
    /// <paramref name="done"/> once completed and empty.
    /// </summary>
    public object? Next(out TimeSpan wait, out bool done)
    {
        lock (gate)
        {
            if (changed.Task.IsCompleted)
            {
                changed = NewSignal();
            }

            done = completed && writes.Count == 0 && events.Count == 0;
            wait = Timeout.InfiniteTimeSpan;
            if (writes.Count > 0)
            {
                var left = writeRetry.Left(time);
                if (left <= TimeSpan.Zero)
                {
                    return writes[0];
                }

                wait = left;
            }

            if (events.Count > 0)
            {
                var left = eventRetry.Left(time);
                if (left <= TimeSpan.Zero)
                {
                    return events.Peek();
                }

                wait = wait == Timeout.InfiniteTimeSpan || left < wait ? left : wait;
            }

            return null;
        }
    }

    /// <summary>The write is done, or its pod is gone.</summary>
    /// <returns><c>false</c> when it had been dropped while it was being written (it is no longer wanted).</returns>
    public bool WriteDone(PodWrite write)
    {
        lock (gate)
        {
            writeRetry = default;
            return writes.Remove(write);
        }
    }

    /// <returns><c>true</c> when the failed write is dropped (superseded by a later one of its kind for the same pod, or dropped meanwhile); otherwise it is retried after a backoff.</returns>
    public bool WriteFailed(PodWrite write)
    {
        lock (gate)
        {
            var index = writes.IndexOf(write);
            if (index < 0)
            {
                return true; // Dropped while it was being written.
            }

            if (writes.FindIndex(index + 1, later => later.Pod == write.Pod && later.GetType() == write.GetType()) > index)
            {
                writes.RemoveAt(index);
                writeRetry = default;
                return true;
            }

            writeRetry = writeRetry.Next(time, retryPeriod);
            return false;
        }
    }

    public void EventDone()
    {
        lock (gate)
        {
            events.TryDequeue(out _);
            eventRetry = default;
        }
    }

    /// <returns><c>true</c> when the Event was dropped: it kept failing for <see cref="EventRetryWindow"/>.</returns>
    public bool EventFailed(PendingEvent pending)
    {
        lock (gate)
        {
            if (time.GetElapsedTime(pending.QueuedAt) >= EventRetryWindow)
            {
                events.TryDequeue(out _);
                eventRetry = default;
                return true;
            }

            eventRetry = eventRetry.Next(time, retryPeriod);
            return false;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void AddWrite(PodWrite write) => Change(() =>
    {
        writes.Add(write);
        writeRetry = default; // Try the head again now: if it still fails, this one may supersede it.
    });

    private void Change(Action change)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            change();
            signal = changed;
        }

        signal.TrySetResult();
    }

    /// <summary>An Event not yet written; <see cref="At"/> is when it happened.</summary>
    internal sealed record PendingEvent(string Reason, string Type, string Message, DateTimeOffset At, long QueuedAt);

    /// <summary>Consecutive failures and when the last one was (monotonic).</summary>
    private readonly record struct Retry(int Failures, long FailedAt, TimeSpan Delay)
    {
        public TimeSpan Left(TimeProvider time) => Failures == 0 ? TimeSpan.Zero : Delay - time.GetElapsedTime(FailedAt);

        public Retry Next(TimeProvider time, TimeSpan first)
        {
            var delay = Failures == 0 ? first : Delay * 2;
            return new Retry(Failures + 1, time.GetTimestamp(), delay < MaxBackoff ? delay : MaxBackoff);
        }
    }
}

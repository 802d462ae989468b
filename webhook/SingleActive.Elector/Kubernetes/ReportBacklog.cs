namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// What <see cref="LeadershipReporter"/> still has to write, and when to try next. Labels are
/// desired states, applied in order and retried with backoff until they stick: a failed one is
/// never dropped because something is queued behind it, only when a later label for the same pod
/// supersedes it. Events are best-effort: retried for <see cref="EventRetryWindow"/>, tried only
/// while no label is due, so they never hold a label up. Thread-safe.
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
    private readonly List<LabelIntent> labels = [];
    private readonly Queue<PendingEvent> events = new();
    private Retry labelRetry;
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

    public void AddLabel(string pod, string role) => Change(() =>
    {
        labels.Add(new LabelIntent(pod, role));
        labelRetry = default; // Try the head again now: if it still fails, this one may supersede it.
    });

    /// <summary>Drops the labels <paramref name="keep"/> rejects; one being written completes but is not retried.</summary>
    public void DropLabels(Func<LabelIntent, bool> keep) => Change(() => labels.RemoveAll(intent => !keep(intent)));

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
    /// The next item due (a <see cref="LabelIntent"/> or a <see cref="PendingEvent"/>), or <c>null</c>
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

            done = completed && labels.Count == 0 && events.Count == 0;
            wait = Timeout.InfiniteTimeSpan;
            if (labels.Count > 0)
            {
                var left = labelRetry.Left(time);
                if (left <= TimeSpan.Zero)
                {
                    return labels[0];
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

    /// <summary>The label was written, or its pod is gone.</summary>
    public void LabelDone(LabelIntent intent)
    {
        lock (gate)
        {
            labels.Remove(intent);
            labelRetry = default;
        }
    }

    /// <returns><c>true</c> when the failed label is dropped (superseded by a later label for the same pod, or dropped meanwhile); otherwise it is retried after a backoff.</returns>
    public bool LabelFailed(LabelIntent intent)
    {
        lock (gate)
        {
            var index = labels.IndexOf(intent);
            if (index < 0)
            {
                return true; // Dropped while it was being written.
            }

            if (labels.FindIndex(index + 1, later => later.Pod == intent.Pod) > index)
            {
                labels.RemoveAt(index);
                labelRetry = default;
                return true;
            }

            labelRetry = labelRetry.Next(time, retryPeriod);
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

    /// <summary>A label the reporter wants on a pod (compared by reference: the same label may be wanted twice).</summary>
    internal sealed class LabelIntent(string pod, string role)
    {
        public string Pod => pod;

        public string Role => role;
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

using SingleActive.Contract;

namespace SingleActive.Elector.PodDeletion;

/// <summary>
/// Readiness mode: this elector's own pod as its watch last showed it, so that a voluntary release (app-health
/// step-down, SIGTERM, a directed handover) waits until the pod's <b>kubelet</b> has seen this replica not ready.
/// </summary>
/// <remarks>
/// Why: the successor marks the previous holder's pod not ready through the API (the fence), but the kubelet does
/// not take <c>Ready</c> from the API. Every 10 s its status manager compares the API's copy with its own
/// (<c>pkg/kubelet/status/status_manager.go</c>, <c>syncBatch</c>/<c>needsReconcile</c>) and writes its own back
/// when they differ. Until its next probe of <c>/readyz</c> (up to period × failure threshold + timeout), its own
/// view still says ready; a reconcile in that moment writes <c>Ready=True</c> over the fence while the successor is
/// Ready too: two endpoints, up to a probe period. So does an app container turning ready again in that moment (the
/// kubelet recomputes the pod's Ready from every container's cached result). Waiting until the API shows the
/// <b>elector container</b> not ready, written by its kubelet (it then holds that view itself), closes both. Not needed when the pod is being deleted: the endpoints
/// controller drops a terminating pod whatever its conditions. When the pod cannot be watched (RBAC not upgraded,
/// the API unreachable) the release waits the whole <see cref="CatchUpLimit"/>; when no such pod exists (an
/// elector outside Kubernetes) it does not wait.
/// <para>A not-ready view counts only if it is the kubelet's answer to the latest <c>/readyz</c> 200 that turned its
/// result ready (<see cref="ServeReadyz"/>): a status written before that 200 may still be on its way through the
/// watch when the release checks, while the kubelet already holds the pod ready. After such a 200 a not-ready view
/// counts again only once a ready view has shown the kubelet recorded it (it writes the change before any later one).</para>
/// </remarks>
public sealed class OwnPodReadiness(TimeProvider time, ReadinessProbeTimings probe) : IOwnPodObserver
{
    /// <summary>For the rendered default probe (<see cref="ReadinessProbeTimings.Default"/>: a 3 s limit).</summary>
    public OwnPodReadiness(TimeProvider time)
        : this(time, ReadinessProbeTimings.Default)
    {
    }

    /// <summary>
    /// The longest a release waits (<see cref="ReadinessProbeTimings.KubeletCatchUp"/>): the worst-case detection of the
    /// probe the kubelet runs on this elector (<see cref="ReadinessProbeTimings.WorstCaseDetection"/>: 2 s for the default,
    /// period × failure threshold + timeout for a pod's <c>single-active.io/probe-period</c>) plus 1 s for the kubelet's
    /// status write and the watch event that shows it. Shorter than the probe's detection, a release could go out while
    /// the kubelet still caches the pod ready.
    /// </summary>
    public TimeSpan CatchUpLimit { get; } = probe.KubeletCatchUp;

    private readonly Lock gate = new();
    private View view = View.Unknown;
    private TaskCompletionSource? waiter;
    private bool servedReady;   // The last /readyz answer was 200.
    private bool readyUnseen;   // A 200 turned the kubelet's result ready, and no ready view has shown it since.

    private enum View
    {
        /// <summary>Not (yet) watched: the kubelet's view cannot be seen.</summary>
        Unknown,

        /// <summary>No pod of this name: no kubelet runs this process.</summary>
        NoPod,
        Ready,
        NotReady,
        Deleting,
    }

    /// <summary>A release is parked waiting for the kubelet, with no wake-up pending (tests use this to let work settle).</summary>
    public bool IsParked => Volatile.Read(ref waiter) is not null;

    /// <summary>The pod as listed or watched (see <see cref="Saw(PodSnapshot, bool)"/>).</summary>
    public void Saw(PodSnapshot pod) => Saw(pod, watched: true);

    /// <inheritdoc/>
    /// <remarks>Any fresh view counts, watched or only listed.</remarks>
    public void Saw(PodSnapshot pod, bool watched)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (gate)
        {
            if (pod.ElectorReady == true)
            {
                readyUnseen = false;
            }

            // A not-ready status written before the kubelet's answer to the latest 200 is not its view now.
            var next = pod.IsBeingDeleted ? View.Deleting : pod.ElectorReady == true ? View.Ready : readyUnseen ? View.Unknown : View.NotReady;
            if (next == View.NotReady)
            {
                // The kubelet holds a failure, whether or not this elector answered 503 (a probe that timed out, a restarted
                // kubelet): its next 200 turns it ready, and must be noted as such.
                servedReady = false;
            }

            Change(next);
        }
    }

    /// <summary>
    /// Decides the answer to a probe of <c>/readyz</c> (<paramref name="isReady"/>: the elector's readiness) and notes a
    /// 200 that follows a 503: the kubelet's cached result turns ready with it, so a not-ready view no longer counts
    /// (see the remarks). Decided under the same lock as a release's check of the view: a 200 decided before the release
    /// turned readiness off is noted before that check.
    /// </summary>
    /// <remarks>
    /// Relies on the rendered probe's <c>successThreshold</c> and <c>failureThreshold</c> of 1: each answer is the
    /// kubelet's result. With a higher failure threshold one 503 would not turn it not ready, and a release would wait
    /// the whole <see cref="CatchUpLimit"/> for a ready view that never comes (safe, slower).
    /// </remarks>
    /// <returns>Whether to answer 200.</returns>
    public bool ServeReadyz(Func<bool> isReady)
    {
        ArgumentNullException.ThrowIfNull(isReady);
        lock (gate)
        {
            var ready = isReady();
            if (ready && !servedReady)
            {
                readyUnseen = true;
                if (view == View.NotReady)
                {
                    view = View.Unknown;
                }
            }

            servedReady = ready;
            return ready;
        }
    }

    /// <summary>
    /// This replica starts a term: a not-ready view from its standby days says nothing about what its kubelet holds from
    /// now on (it may already have probed <c>/readyz</c> 200 and have <c>Ready=True</c> on its way), so a release early
    /// in the term waits for a view written after this (or the whole <see cref="CatchUpLimit"/>). <see cref="ServeReadyz"/>
    /// notes that 200 itself; this also covers a release before it is noted (at the price of the wait, where none was served).
    /// </summary>
    public void TermStarted()
    {
        lock (gate)
        {
            if (view == View.NotReady)
            {
                view = View.Unknown;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Never: a release waits for the kubelet's view at most <see cref="CatchUpLimit"/>, and then goes ahead; a relist would not end that wait sooner than the limit for the rendered probe (3 s).</remarks>
    public bool AwaitsChange => false;

    /// <inheritdoc/>
    public void NoPod() => Set(View.NoPod);

    /// <inheritdoc/>
    public void Unseen(bool refused) => Set(View.Unknown);

    /// <summary>
    /// Returns once the pod's kubelet reports it not ready, or it is being deleted, or there is no pod; otherwise
    /// after <see cref="CatchUpLimit"/> (or when <paramref name="cancellationToken"/> fires). Never throws.
    /// One caller at a time (the election loop).
    /// </summary>
    /// <returns>True when the pod was seen out of the endpoints; false when the wait ran out.</returns>
    public async Task<bool> WaitForKubeletAsync(CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        while (true)
        {
            var over = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            TimeSpan left;
            lock (gate)
            {
                if (view is View.NoPod or View.NotReady or View.Deleting)
                {
                    return true;
                }

                left = CatchUpLimit - time.GetElapsedTime(start);
                if (left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            }

            // The timer and the cancellation exist before the wait counts as parked (a test that settles moves the clock
            // the moment it does, and the thread may be descheduled anywhere in between); whatever ends the wait unparks
            // first, so IsParked turns false the very moment it is over.
            using (time.CreateTimer(_ => End(over), null, left, Timeout.InfiniteTimeSpan))
            using (cancellationToken.Register(() => End(over)))
            {
                lock (gate)
                {
                    if (over.Task.IsCompleted || view is View.NoPod or View.NotReady or View.Deleting)
                    {
                        continue; // Over before it began, or the view changed meanwhile: look again.
                    }

                    waiter = over;
                }

                await over.Task.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Ends a wait: <paramref name="over"/> (its timer, its cancellation), or whichever is parked (<c>null</c>: the view
    /// changed). Unparks it if it is the one parked and completes it under the lock, so a wait is never parked once over.
    /// </summary>
    private void End(TaskCompletionSource? over = null)
    {
        lock (gate)
        {
            over ??= waiter;
            if (waiter == over)
            {
                waiter = null;
            }

            over?.TrySetResult();
        }
    }

    private void Set(View next)
    {
        lock (gate)
        {
            Change(next);
        }
    }

    /// <summary>Under <see cref="gate"/>: the view is now <paramref name="next"/>; if that changed it, a parked wait looks again.</summary>
    private void Change(View next)
    {
        if (view != next)
        {
            view = next;
            End();
        }
    }
}

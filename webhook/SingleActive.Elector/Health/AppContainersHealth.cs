using Microsoft.Extensions.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Logging;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Health;

/// <summary>
/// Leadership follows whether the app containers run, as the kubelet reports them in this elector's own pod
/// (<see cref="AppContainerStatuses"/>, seen through <see cref="OwnPodWatcher"/>): a replica with an app container that
/// does not run does not campaign, and a leader whose app container stops running releases the Lease. This covers
/// what the app's readinessProbe (<see cref="AppHealthMonitor"/>) does not: an app container without a readinessProbe
/// (or with one the elector cannot run) that crashes or crash-loops, one OOM-killed or waiting for its image, a native
/// sidecar that does, and — for a native-sidecar elector, which starts before them — app containers that have not
/// started yet. Any of these keeps the pod from being <c>Ready</c>, so the Service would have no endpoint while this
/// replica held the Lease.
/// </summary>
/// <remarks>
/// <para><b>A container that restarted</b> counts as running only once it has run for <see cref="RestartHold"/>: a
/// crash-looping app whose runs last seconds never becomes a candidate in one of them (which would take the Lease,
/// crash and hand it back at every CrashLoopBackOff window). The hold ends by the kubelet's <c>startedAt</c> (the same
/// node's clock) or by this elector's monotonic clock from when it first saw that run, whichever comes first (a clock
/// stepped back must not stretch it). A leader steps down only while a container does not run. A pod that has finished
/// its work (a Job's) does not campaign and does not step down.</para>
/// <para><b>When the pod is not seen</b>: until it has been listed once the replica does not campaign (a native sidecar
/// would otherwise win in the moment before its app containers exist). When its list or watch is refused (RBAC) or no
/// such pod exists, the check is off: the gate is open and nothing steps down, as without it. When the list fails (the
/// API unreachable, 5xx) the last verdict stands until the next list, for at most <see cref="StaleVerdictLimit"/>; then
/// the check is off too. Failover paused keeps the Lease as for any unhealthy app (<see cref="LeaderElector"/>).</para>
/// <para><b>A stalled watch</b> (held open by a proxy, showing nothing) must not keep a replica out for minutes: while an
/// app container does not run, the pod is listed again whenever its watch has shown nothing for
/// <see cref="Kubernetes.NamedObjectWatch{T}.AwaitedChangeRelistInterval"/>, doubling while it stays quiet
/// (<see cref="AwaitsChange"/>).</para>
/// </remarks>
public sealed class AppContainersHealth(TimeProvider time, ILogger logger) : IAppHealth, IOwnPodObserver
{
    /// <summary>How long a container that restarted must run before it counts as running again (the kubelet's first CrashLoopBackOff delay).</summary>
    public static readonly TimeSpan RestartHold = TimeSpan.FromSeconds(10);

    /// <summary>How long the last verdict stands while the pod's list keeps failing; then the check is off, as if refused.</summary>
    public static readonly TimeSpan StaleVerdictLimit = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private View view = View.NotListedYet;
    private AppContainersView containers = AppContainersView.AllRunning;
    private long restartSeenAt;  // Monotonic: when the present run of a restarted container was first seen.
    private long? failingSince;  // Monotonic: since when the list fails while a verdict stands.
    private Action? changed;

    private enum View
    {
        /// <summary>Before the first list: do not campaign yet.</summary>
        NotListedYet,

        /// <summary>The check is off (refused, no pod, never listed): no gate.</summary>
        Off,
        Seen,
    }

    public bool CanCampaign
    {
        get
        {
            lock (gate)
            {
                return view != View.NotListedYet && (Current() is not { } seen || (seen.NotRunning is null && seen.Finished is null && !InRestartHold(seen)));
            }
        }
    }

    public bool ShouldStepDown
    {
        get
        {
            lock (gate)
            {
                return Current()?.NotRunning is not null;
            }
        }
    }

    /// <summary>Nothing to do: the pod's watch brings every change of its containers as it happens.</summary>
    public void CheckNow()
    {
    }

    /// <summary>Whether the app containers all ran when last seen; null while the check is off or before the first list.</summary>
    public bool? Running
    {
        get
        {
            lock (gate)
            {
                return Current() is { } seen ? seen.NotRunning is null : null;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// While an app container does not run (a native sidecar's app not started yet, a crashed one): the change that lets this
    /// replica campaign again must not wait for a stalled watch's end, minutes later.
    /// </remarks>
    public bool AwaitsChange
    {
        get
        {
            lock (gate)
            {
                return Current()?.NotRunning is not null;
            }
        }
    }

    /// <summary>What to call when the verdict changes (the elector's wake-up), so it acts without waiting a retry period.</summary>
    public void Attach(Action onChange) => changed = onChange;

    /// <inheritdoc/>
    public void Saw(PodSnapshot pod, bool watched)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.IsBeingDeleted)
        {
            return; // The deletion retires the elector; what its containers do on the way out is not a health verdict.
        }

        // Listed once a minute while the watch is refused: a verdict that old would decide a step-down by chance.
        Set(watched ? View.Seen : View.Off, watched ? pod.AppContainers ?? AppContainersView.AllRunning : AppContainersView.AllRunning);
    }

    /// <inheritdoc/>
    public void NoPod() => Set(View.Off, AppContainersView.AllRunning);

    /// <inheritdoc/>
    public void Unseen(bool refused)
    {
        lock (gate)
        {
            if (!refused && view == View.Seen)
            {
                failingSince ??= time.GetTimestamp(); // The list failed (may pass): the last verdict stands, for a while.
                return;
            }
        }

        Set(View.Off, AppContainersView.AllRunning);
    }

    /// <summary>What was seen, while it counts; null while the check is off or before the first list. Under <see cref="gate"/>.</summary>
    private AppContainersView? Current() =>
        view != View.Seen || (failingSince is { } since && time.GetElapsedTime(since) >= StaleVerdictLimit) ? null : containers;

    private bool InRestartHold(AppContainersView seen) =>
        seen.RestartedRunningSince is { } since && time.GetUtcNow() - since < RestartHold && time.GetElapsedTime(restartSeenAt) < RestartHold;

    private void Set(View next, AppContainersView seen)
    {
        string? wasNotRunning;
        lock (gate)
        {
            failingSince = null;
            if (view == next && containers == seen)
            {
                return;
            }

            wasNotRunning = view == View.Seen ? containers.NotRunning : null;
            if (seen.RestartedRunningSince != containers.RestartedRunningSince)
            {
                restartSeenAt = time.GetTimestamp();
            }

            view = next;
            containers = seen;
        }

        if (next == View.Seen && seen.NotRunning is { } reason && reason != wasNotRunning)
        {
            Log.AppContainerNotRunning(logger, reason);
        }
        else if (next == View.Seen && seen.NotRunning is null && wasNotRunning is not null)
        {
            Log.AppContainersRunning(logger);
        }

        changed?.Invoke();
    }
}

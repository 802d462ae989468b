using Microsoft.Extensions.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Logging;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Health;

/// <summary>
/// Leadership follows the app containers as the kubelet reports them in this elector's own pod
/// (<see cref="AppContainerStatuses"/>, seen through <see cref="OwnPodWatcher"/>): a replica whose app containers are not
/// all ready does not campaign, and a leader whose app container stops being ready releases the Lease. This covers
/// what the app's readinessProbe (<see cref="AppHealthMonitor"/>) does not: an app container without a readinessProbe
/// that crashes or crash-loops, one still waiting for its image, and, for a native-sidecar elector (which starts
/// before them), app containers that have not started. Any of these keeps the pod from being <c>Ready</c>, so the
/// Service would have no endpoint while this replica held the Lease.
/// </summary>
/// <remarks>
/// Until the pod has been listed once it does not campaign (a native sidecar would otherwise win in the moment before
/// its app containers exist); when the pod cannot be seen (no such pod, <c>list</c> refused, the list failing) the
/// gate is open and nothing steps down, as without this check. A leader steps down at once: the kubelet already
/// applied the probe's failure threshold, and a container without a probe is not ready only while it does not run.
/// Failover paused keeps the Lease as for any unhealthy app (<see cref="LeaderElector"/>).
/// </remarks>
public sealed class AppContainersHealth(ILogger logger) : IAppHealth, IOwnPodObserver
{
    private readonly Lock gate = new();
    private View view = View.NotListedYet;
    private string? notReady;
    private Action? changed;

    private enum View
    {
        /// <summary>Before the first list: do not campaign yet.</summary>
        NotListedYet,

        /// <summary>The pod cannot be seen: no gate.</summary>
        Unseen,
        Seen,
    }

    public bool CanCampaign
    {
        get
        {
            lock (gate)
            {
                return view == View.Unseen || (view == View.Seen && notReady is null);
            }
        }
    }

    public bool ShouldStepDown
    {
        get
        {
            lock (gate)
            {
                return view == View.Seen && notReady is not null;
            }
        }
    }

    /// <summary>Whether the app containers were all ready when last seen; null while the pod is not seen.</summary>
    public bool? Ready
    {
        get
        {
            lock (gate)
            {
                return view == View.Seen ? notReady is null : null;
            }
        }
    }

    /// <summary>What to call when the verdict changes (the elector's wake-up), so it acts without waiting a retry period.</summary>
    public void Attach(Action onChange) => changed = onChange;

    /// <inheritdoc/>
    public void Saw(PodSnapshot pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.IsBeingDeleted)
        {
            return; // The deletion retires the elector; what its containers do on the way out is not a health verdict.
        }

        Set(View.Seen, pod.AppContainerNotReady);
    }

    /// <inheritdoc/>
    public void NoPod() => Set(View.Unseen, null);

    /// <inheritdoc/>
    public void Unseen() => Set(View.Unseen, null);

    private void Set(View next, string? reason)
    {
        bool wasReady;
        lock (gate)
        {
            if (view == next && notReady == reason)
            {
                return;
            }

            wasReady = view != View.Seen || notReady is null;
            view = next;
            notReady = reason;
        }

        if (reason is not null)
        {
            Log.AppContainerNotReady(logger, reason);
        }
        else if (!wasReady)
        {
            Log.AppContainersReady(logger);
        }

        changed?.Invoke();
    }
}

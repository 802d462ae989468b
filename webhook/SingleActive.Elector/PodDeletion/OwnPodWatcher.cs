using Microsoft.Extensions.Logging;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.PodDeletion;

/// <summary>
/// Starts the handover when the pod's deletion starts, not when the elector gets SIGTERM: it watches this elector's
/// own pod and, the moment the pod has a <c>deletionTimestamp</c> or is gone, retires the elector
/// (<see cref="LeaderElector.Retire"/>: not ready at once, a leader releases the Lease as on SIGTERM, and nobody in
/// this process campaigns again). A native-sidecar elector gets SIGTERM only after every app container has exited,
/// up to <c>terminationGracePeriodSeconds</c> after the deletion; all that time its pod is already out of the
/// endpoints, so without this the Service would have no endpoint for the app's whole shutdown.
/// </summary>
/// <remarks>
/// <para><b>Which pod.</b> <c>POD_NAME</c> in <c>POD_NAMESPACE</c>, the pod whose uid is <c>POD_UID</c> (else the first
/// pod of that name seen). Only positive evidence about that pod retires the elector: a name that matches no pod
/// (a local run) or another pod's uid before this one was seen leaves it campaigning as before. Once seen, its
/// absence from a list, a <c>DELETED</c> event or another uid under its name means it was deleted (force-deleted
/// pods are removed at once).</para>
/// <para><b>When it cannot watch</b> (403 without <c>list</c>/<c>watch</c> on pods: a ClusterRole not upgraded with
/// the image; the API server unreachable; no such pod) the elector works as before, handing over on SIGTERM. That
/// is said once per change, in the log and as <c>single_active_elector_deletion_handover 0</c>. The list and watch
/// are retried as <see cref="NamedObjectWatch{T}"/> does (a refused one every <see cref="ForbiddenRetryInterval"/>).</para>
/// <para>It also tells its <c>observers</c> how the pod looks: in readiness mode <see cref="OwnPodReadiness"/>, so a
/// voluntary release waits for its kubelet to have seen it not ready, and <see cref="Health.AppContainersHealth"/>, so
/// leadership follows whether the app containers run.</para>
/// <para>No SelfSubjectAccessReview first (unlike the fence): the list at start-up is itself the check, made at
/// once, and its answer is the one that counts.</para>
/// </remarks>
public sealed class OwnPodWatcher : INamedObjectHandler<PodSnapshot>
{
    /// <summary>How often a list or watch the API server refused (403) is asked again.</summary>
    public static readonly TimeSpan ForbiddenRetryInterval = NamedObjectWatch<PodSnapshot>.ForbiddenRetryInterval;

    private readonly LeaderElector elector;
    private readonly string podName;
    private readonly ILogger logger;
    private readonly IOwnPodObserver[] observers;
    private readonly ElectorMetrics metrics;
    private readonly HandoverAvailability availability;
    private readonly NamedObjectWatch<PodSnapshot> watch;
    private string? uid;
    private bool seen;

    public OwnPodWatcher(
        IOwnPodStore store,
        LeaderElector elector,
        string podName,
        string? podUid,
        string @namespace,
        TimeProvider time,
        TimeSpan retryPeriod,
        ElectorMetrics metrics,
        ILogger logger,
        params IOwnPodObserver?[] observers)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.elector = elector;
        this.podName = podName;
        this.logger = logger;
        this.observers = [.. observers.OfType<IOwnPodObserver>()];
        this.metrics = metrics;
        uid = podUid is { Length: > 0 } ? podUid : null;
        availability = new HandoverAvailability(podName, @namespace, metrics, logger);
        watch = new NamedObjectWatch<PodSnapshot>(
            async ct =>
            {
                var listing = await store.ListAsync(ct).ConfigureAwait(false);
                return (listing.Pod, listing.ResourceVersion);
            },
            store.WatchAsync,
            this,
            ApiOperation.PodWatch,
            time,
            retryPeriod,
            metrics);
    }

    /// <summary>Parked waiting for the API server or for its next try with nothing in hand (tests use this to let work settle).</summary>
    public bool IsIdle => watch.IsIdle;

    /// <summary>Runs until <paramref name="stop"/> fires, or until the pod's deletion was seen and the elector retired.</summary>
    public Task RunAsync(CancellationToken stop) => watch.RunAsync(stop);

    /// <summary>While an observer waits for the pod to change (<see cref="IOwnPodObserver.AwaitsChange"/>).</summary>
    public bool AwaitsChange
    {
        get
        {
            foreach (var observer in observers)
            {
                if (observer.AwaitsChange)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <returns>True when the pod is being deleted (the elector is retired and there is nothing more to watch).</returns>
    public bool Saw(PodSnapshot? current, bool listed, bool watchRefused)
    {
        if (current is null || (uid is not null && current.Uid != uid))
        {
            if (seen)
            {
                // This pod was seen, and now no pod or another pod has its name: it was deleted outright.
                return Retire("it is gone from the API");
            }

            if (listed)
            {
                availability.NoPod(current is null ? "no pod of that name" : $"the pod of that name has uid {current.Uid}, not POD_UID {uid}");
                Each(o => o.NoPod());
            }

            return false;
        }

        uid ??= current.Uid;
        seen = true;
        Each(o => o.Saw(current, watched: !watchRefused));
        if (!watchRefused)
        {
            // A list alone does not prove the watch is permitted once it was refused: only an open watch does.
            availability.On();
        }

        return current.IsBeingDeleted && Retire(current.Removed ? "it was deleted" : $"deletionTimestamp {current.DeletionTimestamp:O}");
    }

    public void Forbidden(string error)
    {
        Each(o => o.Unseen(refused: true));
        availability.Forbidden(error);
    }

    public void Failed(string error, bool listed)
    {
        Log.PodWatchEnded(logger, podName, error);
        if (!listed)
        {
            // A watch that breaks is routine (410 Gone, a restarted API server): only a list that fails says the handover is off.
            availability.Failing(error);
            Each(o => o.Unseen(refused: false));
        }
    }

    private bool Retire(string how)
    {
        var gone = new PodSnapshot(uid ?? string.Empty, null, Removed: true);
        Each(o => o.Saw(gone, watched: true));
        metrics.PodDeleting = true;
        Log.PodDeletionStarted(logger, podName, how, elector.Status.IsLeader ? "it leads: not ready now, releasing the Lease" : "it does not lead");
        elector.Retire();
        return true;
    }

    private void Each(Action<IOwnPodObserver> tell)
    {
        foreach (var observer in observers)
        {
            tell(observer);
        }
    }
}

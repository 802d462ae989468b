using System.Net;
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
/// is said once per change, in the log and as <c>single_active_elector_deletion_handover 0</c>. A refused list is
/// asked again every <see cref="ForbiddenRetryInterval"/>, so a ClusterRole applied later takes effect without a
/// restart; other failures every retry period, like the Lease watch.</para>
/// <para>It also tells <paramref name="readiness"/> (readiness mode) how the pod looks, so a voluntary release waits for
/// its kubelet to have seen it not ready (see <see cref="OwnPodReadiness"/>).</para>
/// <para>No SelfSubjectAccessReview first (unlike the fence): the list at start-up is itself the check, made at
/// once, and its answer is the one that counts.</para>
/// </remarks>
public sealed class OwnPodWatcher(
    IOwnPodStore store,
    LeaderElector elector,
    string podName,
    string? podUid,
    string @namespace,
    TimeProvider time,
    TimeSpan retryPeriod,
    ElectorMetrics metrics,
    ILogger logger,
    OwnPodReadiness? readiness = null)
{
    /// <summary>How often a list or watch the API server refused (403) is asked again: cheap, and picks up a ClusterRole applied later.</summary>
    public static readonly TimeSpan ForbiddenRetryInterval = TimeSpan.FromMinutes(1);

    private readonly HandoverAvailability availability = new(podName, @namespace, metrics, logger);
    private string? uid = podUid is { Length: > 0 } ? podUid : null;
    private bool seen;
    private bool watchForbidden;
    private bool parked;
    private bool exited;

    /// <summary>Parked waiting for the API server or for its next try with nothing in hand, or returned (tests use this to let work settle).</summary>
    public bool IsIdle => Volatile.Read(ref parked) || Volatile.Read(ref exited);

    /// <summary>Runs until <paramref name="stop"/> fires, or until the pod's deletion was seen and the elector retired.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await WatchAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref exited, true);
        }
    }

    private async Task WatchAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var listed = false;
            TimeSpan pause;
            try
            {
                var listing = await store.ListAsync(stop).ConfigureAwait(false);
                listed = true;
                if (Saw(listing.Pod, listed: true))
                {
                    return;
                }

                var opened = time.GetTimestamp();
                var changes = store.WatchAsync(listing.ResourceVersion, stop).GetAsyncEnumerator(stop);
                await using (changes.ConfigureAwait(false))
                {
                    while (await NextAsync(changes).ConfigureAwait(false))
                    {
                        if (Saw(changes.Current, listed: false))
                        {
                            return;
                        }
                    }
                }

                // Ended by the server's timeout or the client-side deadline: it was open, so it is permitted. List again
                // at once, unless it ended at once (a proxy that cuts streams must not turn this into a tight loop).
                watchForbidden = false;
                pause = retryPeriod - time.GetElapsedTime(opened);
                if (pause <= TimeSpan.Zero)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                // Listing permitted, watching not (a role edited by hand): the lists that follow must not claim it works.
                watchForbidden |= listed;
                readiness?.Unseen();
                metrics.RecordApiError("pod_watch");
                availability.Forbidden(ErrorText.Of(e));
                pause = ForbiddenRetryInterval;
            }
            catch (Exception e)
            {
                metrics.RecordApiError("pod_watch");
                Log.PodWatchEnded(logger, podName, ErrorText.Of(e));
                if (!listed)
                {
                    // A watch that breaks is routine (410 Gone, a restarted API server): only a list that fails says the handover is off.
                    availability.Failing(ErrorText.Of(e));
                    readiness?.Unseen();
                }

                pause = retryPeriod;
            }

            await PauseAsync(pause, stop).ConfigureAwait(false);
        }
    }

    /// <returns>True when the pod is being deleted (the elector is retired and there is nothing more to watch).</returns>
    private bool Saw(PodSnapshot? pod, bool listed)
    {
        if (pod is null || (uid is not null && pod.Uid != uid))
        {
            if (seen)
            {
                // This pod was seen, and now no pod or another pod has its name: it was deleted outright.
                return Retire("it is gone from the API");
            }

            if (listed)
            {
                availability.NoPod(pod is null ? "no pod of that name" : $"the pod of that name has uid {pod.Uid}, not POD_UID {uid}");
                readiness?.NoPod();
            }

            return false;
        }

        uid ??= pod.Uid;
        seen = true;
        readiness?.Saw(pod);
        if (!listed || !watchForbidden)
        {
            // A list alone does not prove the watch is permitted once it was refused: only an open watch does.
            watchForbidden = false;
            availability.On();
        }

        return pod.IsBeingDeleted && Retire(pod.Removed ? "it was deleted" : $"deletionTimestamp {pod.DeletionTimestamp:O}");
    }

    private bool Retire(string how)
    {
        readiness?.Saw(new PodSnapshot(uid ?? string.Empty, null, Removed: true));
        metrics.PodDeleting = true;
        Log.PodDeletionStarted(logger, podName, how, elector.Status.IsLeader ? "it leads: not ready now, releasing the Lease" : "it does not lead");
        elector.Retire();
        return true;
    }

    private async ValueTask<bool> NextAsync(IAsyncEnumerator<PodSnapshot> changes)
    {
        Volatile.Write(ref parked, true);
        try
        {
            return await changes.MoveNextAsync().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref parked, false);
        }
    }

    private async Task PauseAsync(TimeSpan wait, CancellationToken stop)
    {
        // Parked before the timer exists and unparked by the timer itself, so IsIdle turns false the very moment
        // the pause is over, wherever the timer fires.
        var over = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref parked, true);
        using var onStop = stop.Register(() => over.TrySetResult());
        using var timer = time.CreateTimer(
            _ =>
            {
                Volatile.Write(ref parked, false);
                over.TrySetResult();
            },
            null,
            wait,
            Timeout.InfiniteTimeSpan);
        await over.Task.ConfigureAwait(false);
        Volatile.Write(ref parked, false);
    }
}

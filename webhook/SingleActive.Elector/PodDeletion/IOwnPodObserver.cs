namespace SingleActive.Elector.PodDeletion;

/// <summary>Told by <see cref="OwnPodWatcher"/> how this elector's own pod looks, whenever its list or watch shows it.</summary>
public interface IOwnPodObserver
{
    /// <summary>The pod as listed or watched (a <see cref="PodSnapshot.Removed"/> one once it is gone).</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="watched">
    /// False when it was listed while its watch is refused (403): it is then seen once a minute at most, and any later
    /// change goes unseen until the next list.
    /// </param>
    void Saw(PodSnapshot pod, bool watched);

    /// <summary>
    /// Whether this observer waits for the pod to change (an app container to run again): while any does, a watch that
    /// shows nothing for <see cref="Kubernetes.NamedObjectWatch{T}.AwaitedChangeRelistInterval"/> (doubling while it stays
    /// quiet) is replaced by a new list, in case it stalled.
    /// </summary>
    bool AwaitsChange { get; }

    /// <summary>No pod of this name exists (an elector run outside Kubernetes, or a wrong <c>POD_NAME</c>).</summary>
    void NoPod();

    /// <summary>The pod can no longer be watched: what was seen last may be out of date.</summary>
    /// <param name="refused">The API server refused (403: RBAC), rather than failed (unreachable, 5xx), which may pass.</param>
    void Unseen(bool refused);
}

namespace SingleActive.Elector.PodDeletion;

/// <summary>What the elector needs to know of its own pod: which pod it is, and whether its deletion has started.</summary>
/// <param name="Uid">The pod's <c>metadata.uid</c>: a pod created anew under the same name (a StatefulSet's) has another.</param>
/// <param name="DeletionTimestamp">
/// <c>metadata.deletionTimestamp</c>: set by the API server the moment a graceful delete is accepted (kubectl delete,
/// a rollout or scale-down by the ReplicaSet or StatefulSet controller, an eviction, preemption), while the kubelet
/// runs preStop hooks and stops the containers; the time is when the grace period ends.
/// </param>
/// <param name="Removed">A <c>DELETED</c> watch event: the object is gone from the API (its last state is the rest).</param>
/// <param name="ElectorReady">
/// The kubelet's last readiness result for the elector's own container (<c>status.containerStatuses[].ready</c>, or
/// <c>initContainerStatuses</c> for a native sidecar); null when the pod has no status for it yet. Not the pod's
/// <c>Ready</c> condition: that can be false because of another container while the kubelet still holds the elector
/// ready, and it turns true again as soon as that container recovers.
/// </param>
/// <param name="AppContainers">
/// Whether the app containers run, as the kubelet last reported them (<see cref="AppContainerStatuses"/>); null when
/// not read (a test's snapshot): taken as all running.
/// </param>
public sealed record PodSnapshot(string Uid, DateTimeOffset? DeletionTimestamp, bool Removed = false, bool? ElectorReady = null, AppContainersView? AppContainers = null)
{
    /// <summary>The pod is on its way out: its deletion has started, or it is already gone.</summary>
    public bool IsBeingDeleted => Removed || DeletionTimestamp is not null;
}

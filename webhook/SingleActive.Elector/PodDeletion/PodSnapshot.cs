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
/// <param name="AppContainerNotReady">
/// Why an app container (an entry of <c>spec.containers</c> other than the elector) is not ready as its kubelet last
/// reported it (<see cref="AppContainerStatuses.FirstNotReady"/>), or null when every one is. Such a pod cannot be
/// <c>Ready</c>, so it cannot serve whoever holds the Lease (see <see cref="Health.AppContainersHealth"/>).
/// </param>
public sealed record PodSnapshot(string Uid, DateTimeOffset? DeletionTimestamp, bool Removed = false, bool? ElectorReady = null, string? AppContainerNotReady = null)
{
    /// <summary>The pod is on its way out: its deletion has started, or it is already gone.</summary>
    public bool IsBeingDeleted => Removed || DeletionTimestamp is not null;
}

namespace SingleActive.Elector.PodDeletion;

/// <summary>What the elector needs to know of its own pod: which pod it is, and whether its deletion has started.</summary>
/// <param name="Uid">The pod's <c>metadata.uid</c>: a pod created anew under the same name (a StatefulSet's) has another.</param>
/// <param name="DeletionTimestamp">
/// <c>metadata.deletionTimestamp</c>: set by the API server the moment a graceful delete is accepted (kubectl delete,
/// a rollout or scale-down by the ReplicaSet or StatefulSet controller, an eviction, preemption), while the kubelet
/// runs preStop hooks and stops the containers; the time is when the grace period ends.
/// </param>
/// <param name="Removed">A <c>DELETED</c> watch event: the object is gone from the API (its last state is the rest).</param>
/// <param name="Ready">The status of its <c>Ready</c> condition (true, false), null when it has none yet.</param>
public sealed record PodSnapshot(string Uid, DateTimeOffset? DeletionTimestamp, bool Removed = false, bool? Ready = null)
{
    /// <summary>The pod is on its way out: its deletion has started, or it is already gone.</summary>
    public bool IsBeingDeleted => Removed || DeletionTimestamp is not null;
}

namespace SingleActive.Elector.PodDeletion;

/// <summary>Told by <see cref="OwnPodWatcher"/> how this elector's own pod looks, whenever its list or watch shows it.</summary>
public interface IOwnPodObserver
{
    /// <summary>The pod as listed or watched (a <see cref="PodSnapshot.Removed"/> one once it is gone).</summary>
    void Saw(PodSnapshot pod);

    /// <summary>No pod of this name exists (an elector run outside Kubernetes, or a wrong <c>POD_NAME</c>).</summary>
    void NoPod();

    /// <summary>The pod can no longer be watched (refused, failing): what was seen last may be out of date.</summary>
    void Unseen();
}

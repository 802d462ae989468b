namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>What an elector's own-pod list and watch run into.</summary>
public enum PodFault
{
    None,

    /// <summary>Lists and watches fail at once (connection refused).</summary>
    Fail,

    /// <summary>403: the elector's ClusterRole has no list or watch on pods (not upgraded with the image).</summary>
    Forbidden,

    /// <summary>403 on the watch only: a role edited to allow list but not watch.</summary>
    WatchForbidden,

    /// <summary>
    /// The watch opens and then passes nothing on, and never ends (a proxy or load balancer holding the stream; a real
    /// watch would at least end at its client-side deadline): lists still answer.
    /// </summary>
    StallWatch,
}

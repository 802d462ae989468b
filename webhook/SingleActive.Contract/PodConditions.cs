namespace SingleActive.Contract;

/// <summary>Pod conditions the elector writes through <c>pods/status</c> and the kubectl plugin reads.</summary>
public static class PodConditions
{
    /// <summary>
    /// Every elector advertises on its own pod whether it could take the Lease now: <c>True</c> while its app is
    /// healthy and it is not shutting down. The leader reads the target's condition before a directed handover, and
    /// <c>kubectl single-active status</c> counts the standbys ready to take over from it. A custom condition type: the
    /// kubelet keeps conditions it does not own (as it does for readiness gates), and it never gates readiness.
    /// </summary>
    public const string Candidate = "single-active.io/candidate";

    /// <summary>The condition's reason while the replica can take over.</summary>
    public const string CandidateReady = "Campaigning";

    /// <summary>The condition's reason while the app fails its health check.</summary>
    public const string CandidateAppUnhealthy = "AppUnhealthy";

    /// <summary>The condition's reason while the replica's node is cordoned or tainted for a drain: it stays out of the way.</summary>
    public const string CandidateNodeDraining = "NodeDraining";

    /// <summary>The condition's reason while the replica's node is unreachable (the node lifecycle controller's taint: its kubelet stopped reporting): its pod serves nothing there.</summary>
    public const string CandidateNodeUnreachable = "NodeUnreachable";
}

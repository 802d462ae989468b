namespace SingleActive.Contract;

/// <summary>
/// Node taints that announce a drain: the leader on such a node hands over first. A cordon
/// (<c>spec.unschedulable</c>) always counts and needs no taint.
/// </summary>
public static class DrainTaints
{
    /// <summary>
    /// <c>node.kubernetes.io/unschedulable</c> (the node lifecycle controller's taint for a cordoned node);
    /// <c>ToBeDeletedByClusterAutoscaler</c> (the cluster autoscaler, before it drains a node it removes);
    /// <c>karpenter.sh/disrupted</c> (Karpenter v1) and <c>karpenter.sh/disruption=disrupting</c> (v1beta1), before
    /// Karpenter drains a node it consolidates, expires or replaces. Not <c>DeletionCandidateOfClusterAutoscaler</c>:
    /// a soft taint on nodes the autoscaler only considers removing, which often stay.
    /// </summary>
    public const string Default = "node.kubernetes.io/unschedulable,ToBeDeletedByClusterAutoscaler,karpenter.sh/disrupted,karpenter.sh/disruption=disrupting";
}

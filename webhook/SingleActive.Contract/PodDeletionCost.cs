namespace SingleActive.Contract;

/// <summary>
/// <c>controller.kubernetes.io/pod-deletion-cost</c>, which the electors keep on their own pods so that a scale-in
/// removes standbys first: the ReplicaSet controller deletes pods of lower cost first (beta and on by default from
/// Kubernetes 1.22, alpha behind the <c>PodDeletionCost</c> gate in 1.21; ignored before). It ranks after readiness,
/// so in readiness mode the leader (the only Ready pod) is kept last on every version.
/// </summary>
public static class PodDeletionCost
{
    public const string Annotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>The leader's cost: removed last.</summary>
    public const string Leader = "1000";

    /// <summary>A standby's cost: removed first.</summary>
    public const string Standby = "-1000";
}

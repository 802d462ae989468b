namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// What a careful operator checks, as pure functions of a <see cref="ClusterSnapshot"/>: the webhook configuration and
/// its scope, its certificate, the elector RBAC, each workload's sidecar form against its nodes, timings against the
/// safety bound, rollout strategies and disruption budgets that stall or trap, and label-mode Services. Every finding
/// names the fix. The checks live by family: <see cref="WebhookChecks"/>, <see cref="RbacChecks"/>, <see cref="WorkloadChecks"/>,
/// <see cref="NetworkPolicyChecks"/>; a check whose input the
/// API server refused to show is skipped, and <see cref="RefusedReads"/> says so.
/// </summary>
public static class DoctorChecks
{
    public const string WebhookConfigurationName = "single-active-webhook";
    public static readonly IReadOnlyList<string> WebhookNames = ["pods.single-active.io", "workloads.single-active.io"];

    /// <summary>The webhook that only warns about Services, PodDisruptionBudgets and NetworkPolicies written after their workload (failurePolicy Ignore).</summary>
    public const string AdviceWebhookName = "advice.single-active.io";

    /// <summary>Native sidecars (an init container with restartPolicy Always) need the kubelet at 1.29+.</summary>
    public static readonly Version NativeSidecarKubelet = new(1, 29);

    /// <summary>A webhook certificate that expires sooner than this is reported.</summary>
    public static readonly TimeSpan CertificateHeadsUp = TimeSpan.FromDays(30);

    public static IReadOnlyList<Finding> Run(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return [.. RefusedReads.Run(snapshot), .. WebhookChecks.Run(snapshot, now), .. RbacChecks.Run(snapshot), .. snapshot.Namespaces.SelectMany(ns => ns.Workloads.SelectMany(w =>
            WorkloadChecks.Run(snapshot, ns, w.Workload, w.Pods).Concat(NetworkPolicyChecks.Run(ns, w.Workload, w.Pods, snapshot.ApiServer, now))
                .Concat(LeaseChecks.LeaseHeldByAnotherProgram(ns, $"{ns.Name}/{w.Workload.Reference}", w.Workload, now))))];
    }
}

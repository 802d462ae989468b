using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// The pods of one workload that run or are about to: not finished (a Job's, an evicted one kept until garbage
/// collection), not being deleted, and not controlled by another workload whose selector overlaps (a canary
/// Deployment's pods match <c>app: web</c> too). The snapshot lists a workload's pods by its selector only.
/// </summary>
internal static class ActivePods
{
    public static IReadOnlyList<V1Pod> Of(SingleActiveWorkload workload, IEnumerable<V1Pod> pods) =>
        [.. pods.Where(p => p.Metadata?.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed") && ControlledBy(p, workload))];

    /// <summary>
    /// A pod without a controller counts (it matches the selector); one with a controller counts when it is this
    /// workload: the StatefulSet itself, or a ReplicaSet the Deployment controller named <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>.
    /// </summary>
    private static bool ControlledBy(V1Pod pod, SingleActiveWorkload workload)
    {
        var controller = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (controller is null)
        {
            return true;
        }

        return workload.Workload.Kind == Workload.StatefulSetKind
            ? controller.Kind == Workload.StatefulSetKind && controller.Name == workload.Name
            : controller.Kind == "ReplicaSet" && pod.Metadata!.Labels?.TryGetValue("pod-template-hash", out var hash) == true
                && controller.Name == $"{workload.Name}-{hash}";
    }
}

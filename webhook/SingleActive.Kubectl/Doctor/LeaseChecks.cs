using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>One workload's pods against the Lease its template names.</summary>
internal static class LeaseChecks
{
    /// <summary>
    /// Pods of one workload campaigning for different Leases (each pod keeps the one its template named when it was
    /// created): each Lease has a leader, so two replicas serve at once. The webhook refuses such a template change while
    /// pods may run; this finds what got past it (a webhook that was not served, a workload recreated with
    /// <c>--cascade=orphan</c>). Only pods that run or are about to (<see cref="ActivePods"/>) count.
    /// </summary>
    /// <remarks>
    /// The fix depends on who recreates a deleted pod: an <c>OnDelete</c> StatefulSet recreates it from its template
    /// (the update revision); otherwise a StatefulSet's partition or unfinished rollout, or a Deployment's older
    /// ReplicaSet, may recreate it on the old Lease, so scaling to 0 and back is the fix that always works.
    /// </remarks>
    public static IEnumerable<Finding> SplitLeases(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        var leases = ActivePods.Of(workload, pods)
            .Select(p => (Pod: p.Metadata?.Name ?? "", Lease: PodInjectionStatus.StatusOf(p) is { } status ? PodInjectionStatus.Text(status, "lease") : null))
            .Where(p => p.Lease is not null)
            .GroupBy(p => p.Lease!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Key == workload.LeaseName).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (leases.Count < 2)
        {
            yield break;
        }

        var problem = $"its pods campaign for {leases.Count} Leases: {string.Join(", ", leases.Select(g => $"{g.Key} ({g.Count()} {(g.Count() == 1 ? "pod" : "pods")})"))}; each Lease has a leader, so replicas serve at once";
        var others = leases.Where(g => g.Key != workload.LeaseName).SelectMany(g => g).Select(p => p.Pod).Order(StringComparer.Ordinal).ToList();
        var onTemplateLease = leases[0].Key == workload.LeaseName;
        var fix = workload.Source is V1StatefulSet { Spec.UpdateStrategy.Type: "OnDelete" } && onTemplateLease
            ? $"its template names Lease {workload.LeaseName}; delete the pods on the others, which the StatefulSet recreates on it: kubectl delete pod -n {ns.Name} {string.Join(" ", others)}"
            : $"its template names Lease {workload.LeaseName}; scale it to 0 and back (kubectl scale {workload.Reference} -n {ns.Name} --replicas=0, then to {workload.Workload.Replicas ?? 1}): " +
              "a deleted pod may be recreated on its old Lease by an older ReplicaSet, a partition or an unfinished rollout";
        yield return new Finding(Severity.Error, subject, problem, fix);
    }
}

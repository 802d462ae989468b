using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Doctor;

/// <summary>One workload's pods against the Lease its template names, and that Lease against who else uses it.</summary>
internal static class LeaseChecks
{
    /// <summary>
    /// Other single-active workloads of the namespace campaigning for the same Lease, where one of them gets it by
    /// default (its own name): a Deployment and a StatefulSet of one name share it unawares. A Lease has one holder, so
    /// one replica of all of them serves. Templates that all name the Lease (<see cref="Annotations.LeaseName"/>) share
    /// it on purpose (one active replica across two workloads, e.g. one per zone or configuration): no finding.
    /// </summary>
    public static IEnumerable<Finding> SharedLease(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        // Only workloads whose pods run: one scaled to 0 next to its replacement of the same name (a Deployment moved to a
        // StatefulSet) shares the Lease harmlessly, and keeps the replacement from a second leader while both run.
        if (!ActivePods.Of(workload, pods).Any())
        {
            yield break;
        }

        var others = ns.Workloads.Where(w => !ReferenceEquals(w.Workload, workload) && w.Workload.LeaseName == workload.LeaseName && ActivePods.Of(w.Workload, w.Pods).Any())
            .Select(w => w.Workload)
            .ToList();
        if (others.Count == 0 || (NamesItsLease(workload) && others.All(NamesItsLease)))
        {
            yield break;
        }

        yield return new Finding(Severity.Warning, subject,
            $"{string.Join(", ", others.Select(w => w.Reference))} {(others.Count == 1 ? "campaigns" : "campaign")} for its Lease {workload.LeaseName} too, which {(others.Count == 1 ? "one of the two" : "some of them")} {(others.Count == 1 ? "gets" : "get")} by default (the workload's name): a Lease has one holder, so one replica of all of them serves at a time",
            $"if they are not meant to share one leader, give each its own Lease: scale one to 0 (kubectl scale {workload.Reference} -n {ns.Name} --replicas=0), set its pod template's annotation {Annotations.LeaseName} to a name no other workload uses, " +
            $"and scale it back (the webhook refuses a Lease change while pods run); if they are, set {Annotations.LeaseName}: {workload.LeaseName} on each template to say so");
    }

    private static bool NamesItsLease(SingleActiveWorkload workload) =>
        workload.Workload.Template.Metadata?.Annotations?.ContainsKey(Annotations.LeaseName) == true;

    /// <summary>
    /// The workload's Lease renewed within its lease duration by a holder whose identity cannot be a pod's name, while
    /// every elector's identity is its pod's name: another program elects its leader with a Lease of this name
    /// (client-go's leader election names holders <c>hostname_uuid</c>; a controller often names its Lease after its
    /// Deployment, as this workload's default is). The electors wait for it forever and no replica leads, or, when an
    /// elector holds it, that program never leads. A holder that could be a pod (one created since the pods were read,
    /// a bare pod or a Job's naming the Lease, a leader deleted moments ago) is never reported.
    /// </summary>
    public static IEnumerable<Finding> LeaseHeldByAnotherProgram(NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, DateTimeOffset now)
    {
        var lease = ns.Leases.FirstOrDefault(l => l.Metadata?.Name == workload.LeaseName);
        if (lease?.Spec is not { HolderIdentity: { Length: > 0 } holder, RenewTime: { } renewed } spec || KubernetesNames.IsDnsSubdomain(holder))
        {
            yield break;
        }

        // API times are UTC, whatever Kind the client gave them.
        var age = now - new DateTimeOffset(DateTime.SpecifyKind(renewed, DateTimeKind.Utc));
        if (age < TimeSpan.Zero || age >= TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 15))
        {
            yield break; // Not renewed lately: whoever held it has stopped.
        }

        yield return new Finding(Severity.Error, subject,
            $"Lease {workload.LeaseName} is held by {holder}, which cannot be a pod's name (every elector's identity is its pod's), and was renewed {Ages.Format(age)} ago: another program elects its leader with a Lease of this name, so no replica of this workload can lead",
            $"give the workload a Lease of its own: scale it to 0 (kubectl scale {workload.Reference} -n {ns.Name} --replicas=0), set its pod template's annotation {Annotations.LeaseName} to a name nothing else uses, and scale it back");
    }

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

using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Finds the Services that select a readiness-mode workload's pods by <c>single-active.io/role: leader</c> (label mode's
/// way to reach the leader): in readiness mode no elector writes that label, so such a Service has no endpoint from the
/// workload once its label-mode pods are gone — the usual trace of a switch from label mode, or of a label-mode Service
/// kept for a workload that never set <c>single-active.io/mode: label</c>.
/// </summary>
/// <remarks>
/// A selector of the role alone is not this workload's (it selects every label-mode workload's leaders in the
/// namespace, by design); one whose other keys do not match the template's labels does not select its pods anyway.
/// </remarks>
public static class RoleSelectorAdvisor
{
    /// <summary>The Services in <paramref name="services"/> that select <paramref name="workload"/>'s pods only with the leader label they never carry.</summary>
    public static IReadOnlyList<LeaderlessService> Find(IEnumerable<V1Service> services, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(workload);
        var labels = workload.Template.Metadata?.Labels;
        return
        [
            .. services
                .Where(s => labels?.ContainsKey(Labels.Role) != true // a template that sets the label itself: its pods carry it
                    && s.Spec?.Selector is { } selector
                    && LeaderSelectorAdvisor.SelectsLeader(selector)
                    && LeaderSelectorAdvisor.SelectsPodsApartFromRole(selector, labels))
                .Select(s => Leaderless(s, workload)),
        ];
    }

    /// <summary>Admission warnings for <see cref="Find"/>'s Services.</summary>
    public static IReadOnlyList<string> Advise(IEnumerable<V1Service> services, Workload workload) =>
        [.. Find(services, workload).Select(s => $"single-active: {s.Problem}. Fix: {s.Fix}.")];

    private static LeaderlessService Leaderless(V1Service service, Workload workload)
    {
        var name = service.Metadata?.Name ?? "";
        var named = string.IsNullOrEmpty(service.Metadata?.NamespaceProperty) ? name : $"{service.Metadata.NamespaceProperty}/{name}";
        return new LeaderlessService(
            name,
            $"Service {named} selects the pods of {workload.Description} by {Labels.Role}: {Labels.Leader}, which no pod carries in readiness mode: it has no endpoint from them (label-mode pods still running keep it until they are replaced)",
            $"remove {Labels.Role} from the Service's selector once the workload's label-mode pods are gone (all of them are Ready: until then it would reach every one; " +
            $"in readiness mode only the leader is Ready, so the Service then reaches only it), or use label mode (template annotation {Annotations.Mode}: label)");
    }
}

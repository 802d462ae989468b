using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Finds the Services through which clients reach the standbys of a label-mode workload: those that select its pods
/// without selecting <c>single-active.io/role: leader</c>.
/// </summary>
/// <remarks>
/// In label mode every healthy replica is Ready, and only the leader carries <see cref="Labels.Role"/>:
/// <see cref="Labels.Leader"/> (the elector moves the label on each change of leader). A Service that selects the
/// workload's pods by their own labels alone lists every replica in its endpoints, so its clients reach the standbys.
/// On a headless Service (<c>clusterIP: None</c>) that is how peers find each other (per-pod DNS names, discovery):
/// there only clients that resolve its name are at risk, a warning rather than an error.
/// </remarks>
public static class LeaderSelectorAdvisor
{
    /// <summary>The Services in <paramref name="services"/> that select <paramref name="workload"/>'s pods, not only its leader.</summary>
    public static IReadOnlyList<StandbyExposure> Find(IEnumerable<V1Service> services, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(workload);
        return [.. services.Where(s => SelectsEveryReplica(s, workload.Template.Metadata?.Labels)).Select(Exposure)];
    }

    /// <summary>
    /// Admission warnings for <see cref="Find"/>'s Services, each naming <paramref name="workload"/>; not for a
    /// StatefulSet's governing Service (headless: it gives the pods their DNS names, and selecting every replica is what
    /// it is for), which would otherwise be warned about on every apply of the commonest label-mode StatefulSet.
    /// </summary>
    public static IReadOnlyList<string> Advise(IEnumerable<V1Service> services, Workload workload) =>
        [.. Find(services, workload)
            .Where(e => !(e.Headless && e.Service == workload.GoverningServiceName))
            .Select(e => $"single-active: {workload.Description} (label mode): {e.Problem}. Fix: {e.Fix}.")];

    /// <summary>
    /// The selector matches the pod labels once its <see cref="Labels.Role"/> key is set aside, and does not narrow it to
    /// the leader (a selector of <c>role: standby</c> reaches standbys just the same). A selector of the role alone is
    /// not this workload's: it selects every label-mode workload's standbys, by design.
    /// </summary>
    private static bool SelectsEveryReplica(V1Service service, IDictionary<string, string>? podLabels) =>
        service.Spec?.Selector is { Count: > 0 } selector
        && !SelectsLeader(selector)
        && SelectsPodsApartFromRole(selector, podLabels);

    /// <summary>The selector asks for <see cref="Labels.Role"/>: <see cref="Labels.Leader"/>.</summary>
    internal static bool SelectsLeader(IDictionary<string, string> selector) =>
        selector.TryGetValue(Labels.Role, out var role) && role == Labels.Leader;

    /// <summary>
    /// The selector names keys besides <see cref="Labels.Role"/>, and those match <paramref name="podLabels"/>: it is
    /// this workload's, whatever it asks of the role (a selector of the role alone selects every label-mode workload's pods).
    /// </summary>
    internal static bool SelectsPodsApartFromRole(IDictionary<string, string> selector, IDictionary<string, string>? podLabels) =>
        selector.Keys.Any(k => k != Labels.Role) && LabelSelectorMatcher.MatchesAll(selector.Where(p => p.Key != Labels.Role), podLabels);

    private static StandbyExposure Exposure(V1Service service)
    {
        var name = service.Metadata?.Name ?? "";
        return service.Spec?.ClusterIP == "None"
            ? new StandbyExposure(
                name,
                Headless: true,
                $"headless service/{name} selects every replica, not only the leader: in label mode clients that resolve its name reach the standbys too; for peers that is what it is for",
                $"keep it for peers, and give clients a Service that selects {Labels.Role}: {Labels.Leader}")
            : new StandbyExposure(
                name,
                Headless: false,
                $"service/{name} selects every replica, not only the leader: in label mode clients reach the standbys too",
                $"add {Labels.Role}: {Labels.Leader} to the Service's spec.selector");
    }
}

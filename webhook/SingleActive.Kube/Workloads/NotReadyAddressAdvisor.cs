using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Finds the Services through which clients reach the standbys of a readiness-mode workload: those that select its
/// pods with <c>publishNotReadyAddresses: true</c>.
/// </summary>
/// <remarks>
/// Readiness mode keeps clients on the leader through readiness alone. A Service with <c>publishNotReadyAddresses</c>
/// ignores it: the endpoints controller lists every selected pod as a ready address (and the EndpointSlice controller
/// marks them ready), so kube-proxy and cluster DNS send its clients to the standbys too
/// (pkg/controller/endpoint/endpoints_controller.go: <c>tolerateUnreadyEndpoints</c>). It is common on a StatefulSet's
/// governing Service, which gives peers per-pod DNS names before they are Ready; there it is what the Service is for,
/// and only clients of the Service's own name are at risk. Label mode is unaffected when the Service selects
/// <c>single-active.io/role: leader</c>, which only the leader carries.
/// </remarks>
public static class NotReadyAddressAdvisor
{
    /// <summary>The Services in <paramref name="services"/> that select <paramref name="workload"/>'s pods and publish not-ready addresses.</summary>
    public static IReadOnlyList<StandbyExposure> Find(IEnumerable<V1Service> services, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(workload);
        var labels = workload.Template.Metadata?.Labels;
        return
        [
            .. services
                .Where(s => s.Spec is { PublishNotReadyAddresses: true, Selector.Count: > 0 } spec && spec.Selector.All(p => labels?.TryGetValue(p.Key, out var v) == true && v == p.Value))
                .Select(s => Exposure(s, workload)),
        ];
    }

    /// <summary>Admission warnings for <see cref="Find"/>'s Services.</summary>
    public static IReadOnlyList<string> Advise(IEnumerable<V1Service> services, Workload workload) =>
        [.. Find(services, workload).Select(e => $"single-active: {e.Problem}. Fix: {e.Fix}.")];

    private static StandbyExposure Exposure(V1Service service, Workload workload)
    {
        var name = service.Metadata?.Name ?? "";
        var named = string.IsNullOrEmpty(service.Metadata?.NamespaceProperty) ? name : $"{service.Metadata.NamespaceProperty}/{name}";
        return name == workload.GoverningServiceName
            ? new StandbyExposure(
                name,
                Governing: true,
                $"Service {named}, the governing Service of {workload.Description}, has publishNotReadyAddresses: true: its per-pod DNS names serve peers, but clients of its own name reach the standbys too (readiness mode)",
                $"give clients a Service without publishNotReadyAddresses that selects the same pods, or use label mode and select {Labels.Role}: {Labels.Leader}")
            : new StandbyExposure(
                name,
                Governing: false,
                $"Service {named} selects the pods of {workload.Description} and has publishNotReadyAddresses: true: its endpoints include the not-ready standbys, so its clients reach them too (readiness mode)",
                $"remove publishNotReadyAddresses from the Service, or use label mode ({Annotations.Mode}: label on the template) and add {Labels.Role}: {Labels.Leader} to its selector");
    }
}

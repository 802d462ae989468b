using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Finds the Services through which clients reach the standbys of a readiness-mode workload: those that select its
/// pods and publish not-ready addresses.
/// </summary>
/// <remarks>
/// Readiness mode keeps clients on the leader through readiness alone (and fences a previous leader by marking its pod
/// not Ready). A Service with <c>publishNotReadyAddresses: true</c> ignores readiness: the endpoints controller lists
/// every selected pod as a ready address and the EndpointSlice controller marks them ready
/// (pkg/controller/endpoint/endpoints_controller.go, <c>tolerateUnreadyEndpoints</c>; pkg/controller/endpointslice), so
/// kube-proxy and cluster DNS send its clients to the standbys too. Until Kubernetes 1.23 the endpoints controller also
/// honours the deprecated annotation <see cref="TolerateUnreadyAnnotation"/> (removed by kubernetes#108020), which
/// Endpoints readers (CoreDNS of that time, Ingress controllers, meshes) follow. On a headless Service
/// (<c>clusterIP: None</c>) it is often what peers need (per-pod DNS names of a StatefulSet's governing Service, peer
/// discovery by DNS): there only clients that resolve the Service's name are at risk, a warning rather than an error.
/// Label mode is unaffected when the Service selects <c>single-active.io/role: leader</c>, which only the leader carries.
/// </remarks>
public static class NotReadyAddressAdvisor
{
    public const string TolerateUnreadyAnnotation = "service.alpha.kubernetes.io/tolerate-unready-endpoints";

    /// <summary>The Services in <paramref name="services"/> that select <paramref name="workload"/>'s pods and publish not-ready addresses.</summary>
    public static IReadOnlyList<StandbyExposure> Find(IEnumerable<V1Service> services, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(workload);
        var labels = workload.Template.Metadata?.Labels;
        return
        [
            .. services
                .Where(s => s.Spec?.Selector is { Count: > 0 } selector && LabelSelectorMatcher.MatchesAll(selector, labels))
                .Where(s => s.Spec?.PublishNotReadyAddresses == true || TolerateUnready(s) is not null)
                .Select(s => Exposure(s, workload)),
        ];
    }

    /// <summary>Admission warnings for <see cref="Find"/>'s Services.</summary>
    public static IReadOnlyList<string> Advise(IEnumerable<V1Service> services, Workload workload) =>
        [.. Find(services, workload).Select(e => $"single-active: {e.Problem}. Fix: {e.Fix}.")];

    /// <summary>The annotation's value when it says true (Go's <c>strconv.ParseBool</c>, as the endpoints controller reads it); else null.</summary>
    private static string? TolerateUnready(V1Service service) =>
        service.Metadata?.Annotations?.TryGetValue(TolerateUnreadyAnnotation, out var value) == true && value is "1" or "t" or "T" or "true" or "TRUE" or "True"
            ? value
            : null;

    private static StandbyExposure Exposure(V1Service service, Workload workload)
    {
        var name = service.Metadata?.Name ?? "";
        var named = string.IsNullOrEmpty(service.Metadata?.NamespaceProperty) ? name : $"{service.Metadata.NamespaceProperty}/{name}";
        // What publishes the not-ready addresses, as the manifest says it (setting) and as the fix names it (setIn).
        var (setting, setIn) = service.Spec?.PublishNotReadyAddresses == true
            ? ("publishNotReadyAddresses: true", "publishNotReadyAddresses")
            : ($"the annotation {TolerateUnreadyAnnotation}: \"{TolerateUnready(service)}\" (honoured until Kubernetes 1.23)", $"the annotation {TolerateUnreadyAnnotation}");
        var labelMode = $"label mode (template annotation {Annotations.Mode}: label)";
        if (service.Spec?.ClusterIP != "None")
        {
            return new StandbyExposure(
                name,
                Headless: false,
                $"Service {named} selects the pods of {workload.Description} and has {setting}: its endpoints include the not-ready standbys, so its clients reach them too (readiness mode)",
                $"remove {setIn} from the Service (peers that need every pod's address can have a headless Service of their own), or use {labelMode} and add {Labels.Role}: {Labels.Leader} to its selector");
        }

        var which = name == workload.GoverningServiceName
            ? $"headless Service {named}, the governing Service of {workload.Description}, has {setting}"
            : $"headless Service {named} selects the pods of {workload.Description} and has {setting}";
        return new StandbyExposure(
            name,
            Headless: true,
            $"{which}: DNS answers its name with every pod, so clients that resolve it reach the standbys too (readiness mode); for peers (per-pod names, discovery) that is what it is for",
            $"keep it for peers, and give clients a Service without {setIn} that selects the same pods, or use {labelMode} and give clients one that selects {Labels.Role}: {Labels.Leader}");
    }
}

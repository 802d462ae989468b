using System.Net;
using k8s.Models;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// Where a pod's connections to the Kubernetes API go: the <c>kubernetes</c> Service in <c>default</c> (the address
/// <c>KUBERNETES_SERVICE_HOST</c> gives every pod, and its port) and the API servers behind it (its Endpoints, which the
/// API servers write themselves). A NetworkPolicy is matched against the one or the other depending on the CNI (after
/// the Service's DNAT, as Calico and Cilium do, it sees the API server's own address and port).
/// </summary>
/// <param name="Service">The Service's cluster IPs with its port.</param>
/// <param name="Servers">The API servers' addresses with their port.</param>
public sealed record ApiServerDestinations(IReadOnlyList<IPEndPoint> Service, IReadOnlyList<IPEndPoint> Servers)
{
    public const string ServiceNamespace = "default";
    public const string ServiceName = "kubernetes";

    public IEnumerable<IPEndPoint> All => Service.Concat(Servers);

    /// <summary>From the Service and its Endpoints as read; null when neither names an address (nothing to match policies against).</summary>
    public static ApiServerDestinations? From(V1Service? service, V1Endpoints? endpoints)
    {
        var port = service?.Spec?.Ports?.FirstOrDefault()?.Port;
        IReadOnlyList<IPEndPoint> front = port is not { } p ? [] :
            [.. (service!.Spec.ClusterIPs is { Count: > 0 } ips ? ips : [service.Spec.ClusterIP]).Select(ip => IPAddress.TryParse(ip, out var a) ? new IPEndPoint(a, p) : null).OfType<IPEndPoint>()];
        IReadOnlyList<IPEndPoint> back =
        [
            .. (endpoints?.Subsets ?? []).SelectMany(s => (s.Addresses ?? []).SelectMany(a => (s.Ports ?? []).Select(sp =>
                IPAddress.TryParse(a.Ip, out var address) ? new IPEndPoint(address, sp.Port) : null))).OfType<IPEndPoint>(),
        ];
        return front.Count == 0 && back.Count == 0 ? null : new ApiServerDestinations(front, back);
    }

    /// <summary>"10.96.0.1:443 (Service kubernetes) or 172.18.0.2:6443 (the API server)".</summary>
    public override string ToString() => string.Join(" or ", new[]
    {
        Service.Count == 0 ? null : $"{string.Join(", ", Service)} (Service {ServiceName})",
        Servers.Count == 0 ? null : $"{string.Join(", ", Servers)} (the API server{(Servers.Count == 1 ? "" : "s")})",
    }.OfType<string>());
}

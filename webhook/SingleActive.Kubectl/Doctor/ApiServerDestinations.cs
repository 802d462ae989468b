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
        var front = new List<IPEndPoint>();
        if (service?.Spec is { Ports: [{ Port: var port }, ..] } spec)
        {
            // clusterIPs (1.20+) holds both families of a dual-stack Service; clusterIP alone on older objects.
            foreach (var ip in spec.ClusterIPs is { Count: > 0 } ips ? ips : [spec.ClusterIP])
            {
                if (IPAddress.TryParse(ip, out var address))
                {
                    front.Add(new IPEndPoint(address, port));
                }
            }
        }

        var back = new List<IPEndPoint>();
        foreach (var subset in endpoints?.Subsets ?? [])
        {
            foreach (var address in subset.Addresses ?? [])
            {
                if (IPAddress.TryParse(address.Ip, out var ip))
                {
                    back.AddRange((subset.Ports ?? []).Select(p => new IPEndPoint(ip, p.Port)));
                }
            }
        }

        return front.Count == 0 && back.Count == 0 ? null : new ApiServerDestinations(front, back);
    }

    /// <summary>"10.96.0.1:443 (Service kubernetes) or 172.18.0.2:6443 (the API server)".</summary>
    public override string ToString() => string.Join(" or ", new[]
    {
        Service.Count == 0 ? null : $"{string.Join(", ", Service)} (Service {ServiceName})",
        Servers.Count == 0 ? null : $"{string.Join(", ", Servers)} (the API server{(Servers.Count == 1 ? "" : "s")})",
    }.OfType<string>());
}

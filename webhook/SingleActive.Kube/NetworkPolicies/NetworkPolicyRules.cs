using System.Globalization;
using System.Net;
using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kube.NetworkPolicies;

/// <summary>
/// What the NetworkPolicies of a namespace let through to and from one pod, by the API's rules
/// (kubernetes.io/docs/concepts/services-networking/network-policies): a pod is isolated for a direction once any policy
/// selecting it applies to that direction, and then exactly what the union of those policies' rules allows passes.
/// Whether anything is enforced at all is the CNI's business, which the API does not show: these rules say what a
/// conforming CNI lets through.
/// </summary>
/// <remarks>
/// Only TCP is asked about (the API and the elector's port). Traffic from a pod's own node to the pod passes whatever
/// the policies (the kubelet's probes; the callers check an API server there against the pod's <c>status.hostIP</c>);
/// the other way, from the pod to its node, CNIs differ (Calico applies the pod's egress policy to it), so it is not
/// taken as allowed. A rule's port given by name matches a container port of
/// that name on the receiving pod: for ingress the pod's own, for egress the destination's, so never the API server,
/// which is not a pod of the cluster network. Pod and namespace selectors select pods, so they never select the API
/// server's address either (but on OpenShift's OVN-Kubernetes, a namespaceSelector on
/// <c>policy-group.network.openshift.io/host-network</c> admits host-network traffic); only <c>ipBlock</c> peers, or none, do (on Cilium an <c>ipBlock</c> matches a node's
/// address, where kubeadm runs the API server, only with <c>policy-cidr-match-mode: nodes</c>: these rules then say
/// allowed where Cilium drops). Where a source is asked about, it is whether some source is admitted at all: who
/// scrapes, or where the API server calls from, is not known here.
/// </remarks>
public static class NetworkPolicyRules
{
    /// <summary>The policies of <paramref name="policies"/> that select a pod with <paramref name="labels"/> and apply to ingress.</summary>
    public static List<V1NetworkPolicy> IsolatingIngress(IEnumerable<V1NetworkPolicy> policies, IDictionary<string, string>? labels) =>
        [.. policies.Where(p => Selects(p, labels) && AppliesToIngress(p))];

    /// <summary>The policies of <paramref name="policies"/> that select a pod with <paramref name="labels"/> and apply to egress.</summary>
    public static List<V1NetworkPolicy> IsolatingEgress(IEnumerable<V1NetworkPolicy> policies, IDictionary<string, string>? labels) =>
        [.. policies.Where(p => Selects(p, labels) && AppliesToEgress(p))];

    /// <summary>Whether a rule of <paramref name="isolating"/> admits TCP to the pod's port <paramref name="port"/> (named <paramref name="portName"/>) from some source.</summary>
    public static bool AdmitsTcp(IEnumerable<V1NetworkPolicy> isolating, int port, string? portName) =>
        isolating.Any(p => (p.Spec?.Ingress ?? []).Any(rule => PortsMatch(rule.Ports, port, portName)));

    /// <summary>
    /// Whether a rule of <paramref name="isolating"/> admits TCP to the pod's port <paramref name="port"/> (named
    /// <paramref name="portName"/>) from some address outside the pod network: from anywhere, or from an <c>ipBlock</c>.
    /// </summary>
    public static bool AdmitsTcpFromOutsideThePodNetwork(IEnumerable<V1NetworkPolicy> isolating, int port, string? portName) =>
        isolating.Any(p => (p.Spec?.Ingress ?? []).Any(rule =>
            PortsMatch(rule.Ports, port, portName) && OutsideThePodNetwork(rule.FromProperty)));

    /// <summary>Whether a rule of <paramref name="isolating"/> lets the pod open TCP to <paramref name="destination"/>, an address outside the pod network.</summary>
    public static bool AllowsTcpTo(IEnumerable<V1NetworkPolicy> isolating, IPEndPoint destination) =>
        isolating.Any(p => (p.Spec?.Egress ?? []).Any(rule =>
            PortsMatch(rule.Ports, destination.Port, portName: null) && (rule.To is not { Count: > 0 } || rule.To.Any(peer => Contains(peer.IpBlock, destination.Address)))));

    /// <summary>
    /// Whether a rule of <paramref name="isolating"/> lets the pod open TCP on one of <paramref name="ports"/> (null: on
    /// any port) to some address outside the pod network (no peers, or an <c>ipBlock</c>): for when where the API server
    /// is, is not known, only the ports it may listen on.
    /// </summary>
    public static bool AllowsTcpOutsideThePodNetwork(IEnumerable<V1NetworkPolicy> isolating, IEnumerable<int>? ports) =>
        isolating.Any(p => (p.Spec?.Egress ?? []).Any(rule =>
            (ports is null ? rule.Ports is not { Count: > 0 } || rule.Ports.Any(p => IsTcp(p) && !IsNamed(p)) : ports.Any(port => PortsMatch(rule.Ports, port, portName: null)))
            && OutsideThePodNetwork(rule.To)));

    /// <summary>"NetworkPolicy a" or "NetworkPolicies a, b", for messages.</summary>
    public static string Describe(IEnumerable<V1NetworkPolicy> policies)
    {
        var names = policies.Select(p => p.Metadata?.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return (names.Count == 1 ? "NetworkPolicy " : "NetworkPolicies ") + string.Join(", ", names);
    }

    /// <summary>The empty selector selects every pod of the namespace.</summary>
    private static bool Selects(V1NetworkPolicy policy, IDictionary<string, string>? labels) =>
        LabelSelectorMatcher.Matches(policy.Spec?.PodSelector ?? new V1LabelSelector(), labels);

    /// <summary>No <c>policyTypes</c>: ingress always.</summary>
    private static bool AppliesToIngress(V1NetworkPolicy policy) =>
        policy.Spec?.PolicyTypes is not { Count: > 0 } types || types.Contains("Ingress");

    /// <summary>Whether <paramref name="policy"/> isolates the pods it selects for egress. No <c>policyTypes</c>: when it has egress rules.</summary>
    public static bool AppliesToEgress(V1NetworkPolicy policy) =>
        policy.Spec?.PolicyTypes is { Count: > 0 } types ? types.Contains("Egress") : policy.Spec?.Egress is { Count: > 0 };

    /// <summary>No peers (every address), or an <c>ipBlock</c> among them: the only peers that can name an address outside the pod network.</summary>
    private static bool OutsideThePodNetwork(IList<V1NetworkPolicyPeer>? peers) =>
        peers is not { Count: > 0 } || peers.Any(peer => peer.IpBlock is not null);

    /// <summary>No ports: every port. A port without a number or name: every port of its protocol (TCP when unset).</summary>
    private static bool PortsMatch(IList<V1NetworkPolicyPort>? ports, int port, string? portName) =>
        ports is not { Count: > 0 } || ports.Any(p => IsTcp(p) && (p.Port?.Value is not { Length: > 0 } value
            || (Number(p) is { } number
                ? port == number || (p.EndPort is { } end && port > number && port <= end)
                : value == portName)));

    private static bool IsTcp(V1NetworkPolicyPort port) => port.Protocol is null or "TCP";

    /// <summary>A port given by name: on egress, a destination pod's, never the API server's.</summary>
    private static bool IsNamed(V1NetworkPolicyPort port) => port.Port?.Value is { Length: > 0 } && Number(port) is null;

    /// <summary>The port's number; null when it has none or is given by name.</summary>
    private static int? Number(V1NetworkPolicyPort port) =>
        int.TryParse(port.Port?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static bool Contains(V1IPBlock? block, IPAddress address) =>
        block is not null && InCidr(block.Cidr, address) && !(block.Except ?? []).Any(e => InCidr(e, address));

    /// <summary>
    /// Whether <paramref name="cidr"/> holds <paramref name="address"/>. Host bits after the prefix are ignored, as the API
    /// server's validation (Go's <c>net.ParseCIDR</c>) accepts them; <see cref="IPNetwork"/> would refuse such a CIDR.
    /// </summary>
    private static bool InCidr(string? cidr, IPAddress address)
    {
        var slash = cidr?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (cidr is null || slash < 0 || ParseAddress(cidr[..slash]) is not { } network
            || !int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        var want = network.GetAddressBytes();
        var have = address.GetAddressBytes();
        if (prefix > want.Length * 8)
        {
            return false;
        }

        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((want[bit / 8] & mask) != (have[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An address as the API server reads it: the dotted IPv4 parts in decimal even with leading zeros (Go's
    /// <c>net.ParseCIDR</c> before Go 1.17, then k8s.io/utils' <c>ParseCIDRSloppy</c>, which keeps that reading), where
    /// <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> would take <c>010</c> as octal.
    /// </summary>
    private static IPAddress? ParseAddress(string text)
    {
        var parts = text.Split('.');
        if (parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)))
        {
            var bytes = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            return bytes.All(b => b <= 255) ? new IPAddress([.. bytes.Select(b => (byte)b)]) : null;
        }

        return IPAddress.TryParse(text, out var address) ? address : null;
    }
}

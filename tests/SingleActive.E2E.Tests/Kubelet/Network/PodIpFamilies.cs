namespace SingleActive.E2E.Tests.Kubelet.Network;

/// <summary>
/// Which addresses pods get, as a cluster's network plugin would give them. Chosen for a whole run by
/// <c>SINGLE_ACTIVE_E2E_IP_FAMILIES</c>: <c>ipv6</c> (the default: IPv6-only pods, the case an IPv4-only
/// sidecar fails) or <c>dual</c> (dual-stack, IPv4 primary, so the kubelet probes through IPv4 and the
/// elector's IPv6 socket must accept IPv4-mapped connections).
/// </summary>
public enum PodIpFamilies
{
    Ipv6Only,
    DualStack,
}

public static class PodIpFamiliesSetting
{
    public const string Variable = "SINGLE_ACTIVE_E2E_IP_FAMILIES";

    public static PodIpFamilies FromEnvironment() => Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "ipv6" => PodIpFamilies.Ipv6Only,
        "dual" => PodIpFamilies.DualStack,
        var other => throw new InvalidOperationException($"{Variable}={other}: use ipv6 or dual"),
    };
}

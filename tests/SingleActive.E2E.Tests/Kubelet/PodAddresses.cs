namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>A pod's addresses as its status reports them: pod IPs (primary first) and its node's address.</summary>
internal sealed record PodAddresses(IReadOnlyList<string> PodIps, string HostIp);

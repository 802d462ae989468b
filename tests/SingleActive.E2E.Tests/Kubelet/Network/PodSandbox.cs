using System.Net;

namespace SingleActive.E2E.Tests.Kubelet.Network;

/// <summary>
/// A pod's network: its own namespace with its pod IPs (primary first, as <c>status.podIPs</c>), shared
/// by all its containers. Deleting the namespace also removes the veth pair that joined it to the bridge.
/// </summary>
public sealed class PodSandbox(NetworkNamespace ns, IReadOnlyList<IPAddress> podIps) : IAsyncDisposable
{
    public NetworkNamespace Namespace { get; } = ns;

    public IReadOnlyList<IPAddress> PodIps { get; } = podIps;

    public IPAddress PodIp => PodIps[0];

    public ValueTask DisposeAsync() => Namespace.DisposeAsync();
}

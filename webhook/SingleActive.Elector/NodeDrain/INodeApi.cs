namespace SingleActive.Elector.NodeDrain;

/// <summary>Nodes as the elector reads them: its own, listed and watched by name, and a standby's, read once. Needs <c>get</c>, <c>list</c>, <c>watch</c> on nodes (ClusterRole single-active-elector-node).</summary>
public interface INodeApi
{
    /// <summary>The node now (<c>null</c>: none of that name) and the resourceVersion a watch continues from.</summary>
    /// <exception cref="Kubernetes.KubeApiException">403 Forbidden without <c>list</c> on nodes.</exception>
    Task<(NodeSnapshot? Object, string? ResourceVersion)> ListAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every change of the node after <paramref name="resourceVersion"/> until the watch ends.</summary>
    IAsyncEnumerable<NodeSnapshot> WatchAsync(string name, string? resourceVersion, CancellationToken cancellationToken);

    /// <summary>The node, or <c>null</c> when there is none of that name.</summary>
    Task<NodeSnapshot?> GetAsync(string name, CancellationToken cancellationToken);
}

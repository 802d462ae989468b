using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.NodeDrain;

/// <summary>
/// <see cref="INodeApi"/> on core/v1 (cluster-scoped): <c>GET nodes?fieldSelector=metadata.name=…</c>, then the same
/// with <c>watch=true</c> (<see cref="KubeWatch"/>'s deadlines and keepalive), and <c>GET nodes/NAME</c>.
/// </summary>
/// <param name="watchDeadline">The client-side end of one watch; <see cref="KubeWatch.DefaultDeadline"/> unless given.</param>
public sealed class KubernetesNodeApi(KubeApiClient api, TimeSpan? watchDeadline = null) : INodeApi
{
    private const string Collection = "api/v1/nodes";

    public async Task<(NodeSnapshot? Object, string? ResourceVersion)> ListAsync(string name, CancellationToken cancellationToken)
    {
        var list = await api.GetAsync($"{Collection}?{KubeWatch.NameSelector(name)}", cancellationToken).ConfigureAwait(false);
        var node = (list?["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return (node is null ? null : NodeSnapshot.From(node, removed: false), list?["metadata"]?["resourceVersion"]?.GetValue<string>());
    }

    public async IAsyncEnumerable<NodeSnapshot> WatchAsync(string name, string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = KubeWatch.PathFor(Collection, name, resourceVersion);
        await foreach (var watchEvent in KubeWatch.ReadAsync(api, path, watchDeadline ?? KubeWatch.DefaultDeadline, cancellationToken).ConfigureAwait(false))
        {
            if (watchEvent.Object is { } node)
            {
                yield return NodeSnapshot.From(node, watchEvent.IsDeleted);
            }
        }
    }

    public async Task<NodeSnapshot?> GetAsync(string name, CancellationToken cancellationToken) =>
        await api.GetAsync($"{Collection}/{Uri.EscapeDataString(name)}", cancellationToken).ConfigureAwait(false) is { } node ? NodeSnapshot.From(node, removed: false) : null;
}

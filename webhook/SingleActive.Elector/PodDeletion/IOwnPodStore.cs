using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.PodDeletion;

/// <summary>This elector's own pod, listed and watched by name (see <see cref="OwnPodWatcher"/>).</summary>
public interface IOwnPodStore
{
    /// <summary>The pod as the API server has it now (none: no pod of that name), and where a watch continues from.</summary>
    /// <exception cref="KubeApiException">The API server refused: 403 Forbidden without <c>list</c> on pods.</exception>
    Task<PodListing> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every change of the pod after <paramref name="resourceVersion"/> until the watch ends (the server's timeout or
    /// the client-side deadline, see <see cref="KubeWatch"/>; the caller then lists again).
    /// </summary>
    /// <exception cref="KubeApiException">403 Forbidden without <c>watch</c> on pods; 410 Gone when the resourceVersion is too old.</exception>
    IAsyncEnumerable<PodSnapshot> WatchAsync(string? resourceVersion, CancellationToken cancellationToken);
}

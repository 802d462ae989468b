using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.PodDeletion;

/// <summary>
/// <see cref="IOwnPodStore"/> on core/v1: <c>GET pods?fieldSelector=metadata.name=…</c>, then the same with
/// <c>watch=true</c> from the list's resourceVersion (<see cref="KubeWatch"/>: the Lease watch's deadlines and
/// keepalive). A list rather than a GET, because a watch continues from a list's resourceVersion, and "no such pod"
/// is then an empty list, not an error. Needs <c>list</c> and <c>watch</c> on pods in the namespace.
/// </summary>
/// <param name="watchDeadline">The client-side end of one watch; <see cref="KubeWatch.DefaultDeadline"/> unless given.</param>
public sealed class KubernetesOwnPodStore(KubeApiClient api, string @namespace, string podName, TimeSpan? watchDeadline = null) : IOwnPodStore
{
    private readonly string collection = $"api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/pods";

    public async Task<PodListing> ListAsync(CancellationToken cancellationToken)
    {
        var list = await api.GetAsync($"{collection}?{KubeWatch.NameSelector(podName)}", cancellationToken).ConfigureAwait(false);
        var pod = (list?["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return new PodListing(pod is null ? null : ToSnapshot(pod, removed: false), list?["metadata"]?["resourceVersion"]?.GetValue<string>());
    }

    public async IAsyncEnumerable<PodSnapshot> WatchAsync(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = KubeWatch.PathFor(collection, podName, resourceVersion);
        await foreach (var watchEvent in KubeWatch.ReadAsync(api, path, watchDeadline ?? KubeWatch.DefaultDeadline, cancellationToken).ConfigureAwait(false))
        {
            if (watchEvent.Object is { } pod)
            {
                yield return ToSnapshot(pod, watchEvent.IsDeleted);
            }
        }
    }

    /// <summary>Reads the uid, the deletion timestamp, the elector container's readiness and whether the app containers run, of a pod object.</summary>
    public static PodSnapshot ToSnapshot(JsonObject pod, bool removed)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod["metadata"];
        var deletion = metadata?["deletionTimestamp"]?.GetValue<string>() is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : (DateTimeOffset?)null;
        var status = pod["status"];
        var elector = ((status?["containerStatuses"] as JsonArray) ?? []).Concat((status?["initContainerStatuses"] as JsonArray) ?? [])
            .FirstOrDefault(c => c?["name"]?.GetValue<string>() == ElectorHttp.ContainerName);
        var ready = elector?["ready"]?.GetValue<bool>();
        return new PodSnapshot(metadata?["uid"]?.GetValue<string>() ?? string.Empty, deletion, removed, ready, AppContainerStatuses.Read(pod));
    }
}

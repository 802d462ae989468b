using System.Net;
using System.Runtime.CompilerServices;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>One elector's own-pod connection to an <see cref="InMemoryPodServer"/>; <see cref="Fault"/> cuts it.</summary>
public sealed class InMemoryPodClient(InMemoryPodServer server, string podName) : IOwnPodStore
{
    public PodFault Fault { get; set; }

    public int Lists { get; private set; }

    public Task<PodListing> ListAsync(CancellationToken cancellationToken)
    {
        Lists++;
        return Fault switch
        {
            PodFault.Fail => Task.FromException<PodListing>(new HttpRequestException("connection refused (test)")),
            PodFault.Forbidden => Task.FromException<PodListing>(Forbidden("list")),
            _ => Task.FromResult(server.List(podName)),
        };
    }

    /// <summary>The server's watch itself, so that its consumer's disposal reaches it (<see cref="InMemoryPodServer.BreakWatches"/>); a fault's stream when cut.</summary>
    public IAsyncEnumerable<PodSnapshot> WatchAsync(string? resourceVersion, CancellationToken cancellationToken) =>
        Fault == PodFault.None ? server.Watch(podName, resourceVersion, cancellationToken) : FaultedWatchAsync(resourceVersion, cancellationToken);

    private async IAsyncEnumerable<PodSnapshot> FaultedWatchAsync(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        switch (Fault)
        {
            case PodFault.Fail:
                throw new HttpRequestException("connection refused (test)");
            case PodFault.Forbidden or PodFault.WatchForbidden:
                throw Forbidden("watch");
            case PodFault.StallWatch:
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                yield break;
            default:
                break; // Mended since the watch was asked for.
        }

        await foreach (var pod in server.Watch(podName, resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            yield return pod;
        }
    }

    // As the API server words it for a ServiceAccount whose ClusterRole lacks the verb.
    private static KubeApiException Forbidden(string verb) => new(
        HttpStatusCode.Forbidden,
        $"403 Forbidden: pods is forbidden: User \"system:serviceaccount:ns:app\" cannot {verb} resource \"pods\" in API group \"\" in the namespace \"ns\"");
}

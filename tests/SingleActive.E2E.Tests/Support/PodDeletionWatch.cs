using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;

namespace SingleActive.E2E.Tests.Support;

/// <summary>
/// Watches the pods of a namespace and records, on an <see cref="EndpointTimeline"/>'s clock, when each pod's deletion
/// was first seen (a <c>deletionTimestamp</c>, or the pod gone): an eviction's moment from the API's own events.
/// </summary>
internal sealed class PodDeletionWatch : IDisposable
{
    private readonly ConcurrentDictionary<string, TimeSpan> seen = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task watching;

    private PodDeletionWatch(IKubernetes client, string ns, EndpointTimeline timeline) => watching = WatchAsync(client, ns, timeline);

    public static PodDeletionWatch Start(IKubernetes client, string ns, EndpointTimeline timeline) => new(client, ns, timeline);

    /// <summary>When <paramref name="pod"/>'s deletion was first seen; null if it was not.</summary>
    public TimeSpan? DeletionSeen(string pod) => seen.TryGetValue(pod, out var at) ? at : null;

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            watching.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        stop.Dispose();
    }

    private async Task WatchAsync(IKubernetes client, string ns, EndpointTimeline timeline)
    {
        string? version = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    var list = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: stop.Token);
                    version = list.Metadata.ResourceVersion;
                }

                await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: version, timeoutSeconds: 60, cancellationToken: stop.Token))
                {
                    version = pod.Metadata.ResourceVersion;
                    if (type == WatchEventType.Deleted || pod.Metadata.DeletionTimestamp is not null)
                    {
                        seen.TryAdd(pod.Metadata.Name, timeline.Elapsed);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or KubernetesException or OperationCanceledException)
            {
                version = null;
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}

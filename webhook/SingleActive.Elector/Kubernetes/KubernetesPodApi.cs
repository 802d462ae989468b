using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Elector.Kubernetes;

/// <summary><see cref="IPodApi"/> through KubernetesClient.Aot, in the elector's own namespace.</summary>
public sealed class KubernetesPodApi(k8s.Kubernetes client, string @namespace) : IPodApi
{
    public Task CreateEventAsync(Corev1Event @event, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedEventAsync(@event, @namespace, cancellationToken: cancellationToken);

    public async Task<bool> SetRoleLabelAsync(string podName, string role, CancellationToken cancellationToken)
    {
        // A JSON merge patch touches only this one label; no read-modify-write race with other writers.
        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"" + Labels.Role + "\":\"" + role + "\"}}}", V1Patch.PatchType.MergePatch);
        try
        {
            await client.CoreV1.PatchNamespacedPodAsync(patch, podName, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<string?> GetPodUidAsync(string podName, CancellationToken cancellationToken)
    {
        var pod = await client.CoreV1.ReadNamespacedPodAsync(podName, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        return pod.Metadata?.Uid;
    }
}

using k8s;
using k8s.Models;

namespace SingleActive.E2E.Tests.Elector;

/// <summary>
/// The pod object of an elector run here as a process: bound to a node no kubelet runs (nothing starts it), with one app
/// container whose status the test writes as its kubelet would, since the elector follows it (it does not campaign
/// while an app container does not run).
/// </summary>
public static class ElectorPodObjects
{
    public static Task<V1Pod> CreateAsync(IKubernetes client, string @namespace, string name) =>
        client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1PodSpec { NodeName = "no-such-node", Containers = [new V1Container { Name = "app", Image = "example.invalid/app" }] },
            },
            @namespace);

    /// <summary>
    /// The status a kubelet writes for the pod: its app container waiting to be created, or running. Read afresh and
    /// written over what the elector keeps there (its candidacy condition stays), with the pod's resourceVersion.
    /// </summary>
    public static async Task<V1Pod> WriteAppStatusAsync(IKubernetes client, string @namespace, string name, bool running)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await client.CoreV1.ReadNamespacedPodAsync(name, @namespace);
            current.Status ??= new V1PodStatus();
            current.Status.Phase = running ? "Running" : "Pending";
            current.Status.ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "app",
                    Image = "example.invalid/app",
                    ImageID = "",
                    Ready = running,
                    Started = running,
                    RestartCount = 0,
                    State = running
                        ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } }
                        : new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } },
                },
            ];
            try
            {
                return await client.CoreV1.ReplaceNamespacedPodStatusAsync(current, name, @namespace);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 5)
            {
                // The elector wrote its candidacy condition meanwhile: read again.
            }
        }
    }
}

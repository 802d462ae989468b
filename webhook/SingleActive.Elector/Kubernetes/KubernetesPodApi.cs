using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.Elector.Kubernetes;

/// <summary><see cref="IPodApi"/> on core/v1, in the elector's own namespace.</summary>
public sealed class KubernetesPodApi(KubeApiClient api, string @namespace) : IPodApi
{
    private readonly string pods = $"api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/pods/";

    public Task CreateEventAsync(JsonObject @event, CancellationToken cancellationToken) =>
        api.SendJsonAsync(HttpMethod.Post, $"api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/events", @event, "application/json", cancellationToken);

    public async Task<bool> SetRoleLabelAsync(string podName, string role, CancellationToken cancellationToken)
    {
        // A JSON merge patch touches only this one label and the deletion cost that goes with it: no read-modify-write
        // race with other writers.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { [Labels.Role] = role },
                ["annotations"] = new JsonObject { [PodDeletionCost.Annotation] = role == Labels.Leader ? PodDeletionCost.Leader : PodDeletionCost.Standby },
            },
        };
        try
        {
            await api.SendJsonAsync(HttpMethod.Patch, pods + Uri.EscapeDataString(podName), patch, "application/merge-patch+json", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The pod conditions a fence sets <c>False</c>: what Services read, and what load balancers that register pods themselves read.</summary>
    public static readonly IReadOnlyList<string> FencedConditions = ["Ready", "ContainersReady"];

    public async Task<bool> MarkNotReadyAsync(string podName, string reason, string message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // A strategic merge patch merges status.conditions by "type": only Ready and ContainersReady change,
        // every other condition stays, and no resourceVersion is needed (nothing to read first, no conflict to
        // lose). A JSON merge patch would replace the whole list. Ready is what Services read. ContainersReady
        // too, unlike the node lifecycle controller (which marks pods of a node it has already marked Unknown):
        // load balancers that register pods themselves count a not-ready pod whose containers are ready on a
        // node still Ready as a target (the AWS Load Balancer Controller's endpoint resolver), and a fenced
        // pod's node is still Ready for the node monitor grace period. Its kubelet, once back, computes both
        // from the elector's 503 and agrees.
        var conditions = new JsonArray();
        foreach (var type in FencedConditions)
        {
            conditions.Add((JsonNode)new JsonObject
            {
                ["type"] = type,
                ["status"] = "False",
                ["reason"] = reason,
                ["message"] = message,
                ["lastTransitionTime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        var patch = new JsonObject
        {
            // The fenced pod is a standby now: a scale-in removes it before the leader.
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [PodDeletionCost.Annotation] = PodDeletionCost.Standby } },
            ["status"] = new JsonObject { ["conditions"] = conditions },
        };
        try
        {
            await api.SendJsonAsync(HttpMethod.Patch, pods + Uri.EscapeDataString(podName) + "/status", patch, "application/strategic-merge-patch+json", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<LeasePod>> ListLeasePodsAsync(string leaseName, CancellationToken cancellationToken)
    {
        var found = new List<LeasePod>();
        foreach (var pod in await new KubernetesCandidatePods(api, @namespace, leaseName).ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (pod.Lease == leaseName && !pod.Deleting)
            {
                found.Add(new LeasePod(pod.Name, pod.Ready, pod.Role, pod.Mode, pod.ContainersReady));
            }
        }

        return found;
    }

    public async Task<string?> GetPodUidAsync(string podName, CancellationToken cancellationToken)
    {
        var pod = await api.GetAsync(pods + Uri.EscapeDataString(podName), cancellationToken).ConfigureAwait(false);
        return pod?["metadata"]?["uid"]?.GetValue<string>();
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// <see cref="ICandidatePods"/> on core/v1 in the elector's namespace. Reads need <c>pods get</c> (a named target) and
/// <c>pods list</c> (<c>any</c>), granted with the elector's pod watch; the candidacy is a condition written through
/// <c>pods/status patch</c>, which the fence already needs, so it adds no permission.
/// </summary>
public sealed class KubernetesCandidatePods(KubeApiClient api, string @namespace, string leaseName) : ICandidatePods
{
    /// <summary>
    /// Pods per page of <see cref="ListAsync"/>. A page is read whole into memory before it is reduced to the few fields
    /// a decision reads, so the elector, limited to tens of MiB next to every replica, holds one page of a busy
    /// namespace at a time (100 pods with service-mesh sidecars: 1–2 MB of JSON), never the whole namespace.
    /// </summary>
    public const int PageSize = 100;

    private readonly string pods = $"api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/pods";

    public string LeaseName => leaseName;

    public async Task<CandidatePod?> GetAsync(string podName, CancellationToken cancellationToken) =>
        await api.GetAsync(pods + "/" + Uri.EscapeDataString(podName), cancellationToken).ConfigureAwait(false) is { } pod ? FromPod(pod) : null;

    /// <summary>
    /// The running pods of the namespace, read in pages of <see cref="PageSize"/> (<c>limit</c> and <c>continue</c>: the
    /// API server serves every page from the first page's snapshot). Throws when a page cannot be read, also a 410 Gone
    /// for a continue token compacted away (5 min by default; a page takes milliseconds): the caller tries again.
    /// </summary>
    public async Task<IReadOnlyList<CandidatePod>> ListAsync(CancellationToken cancellationToken)
    {
        // Only running pods can take over; the field selector keeps a busy namespace's answer small.
        var query = pods + "?fieldSelector=" + Uri.EscapeDataString("status.phase=Running") + "&limit=" + PageSize.ToString(CultureInfo.InvariantCulture);
        var found = new List<CandidatePod>();
        string? next = null;
        do
        {
            var page = await api.GetAsync(next is null ? query : query + "&continue=" + Uri.EscapeDataString(next), cancellationToken).ConfigureAwait(false);
            found.AddRange((page?["items"] as JsonArray ?? []).OfType<JsonObject>().Select(FromPod));
            next = JsonFields.Text(page?["metadata"]?["continue"]);
        }
        while (!string.IsNullOrEmpty(next));

        return found;
    }

    public async Task<bool> AdvertiseAsync(string podName, bool candidate, string reason, string message, bool leading, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // As the fence: a strategic merge patch merges conditions by type, so only this one changes; the kubelet
        // keeps condition types it does not own when it writes the pod's status.
        var condition = new JsonObject
        {
            ["type"] = PodConditions.Candidate,
            ["status"] = candidate ? "True" : "False",
            ["reason"] = reason,
            ["message"] = message,
            ["lastTransitionTime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        // pods/status takes metadata changes too (its strategy resets only spec, deletionTimestamp and ownerReferences):
        // the deletion cost needs no permission beyond the condition's.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [PodDeletionCost.Annotation] = leading ? PodDeletionCost.Leader : PodDeletionCost.Standby } },
            ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) },
        };
        try
        {
            await api.SendJsonAsync(HttpMethod.Patch, pods + "/" + Uri.EscapeDataString(podName) + "/status", patch, "application/strategic-merge-patch+json", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The parts of a pod a handover decision reads.</summary>
    public static CandidatePod FromPod(JsonObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod["metadata"] as JsonObject;
        var status = pod["status"] as JsonObject;
        JsonObject? condition = null;
        var ready = false;
        var containersReady = false;
        foreach (var item in status?["conditions"] as JsonArray ?? [])
        {
            switch (item is JsonObject c ? JsonFields.Text(c["type"]) : null)
            {
                case PodConditions.Candidate:
                    condition ??= (JsonObject)item!;
                    break;
                case "Ready":
                    ready = JsonFields.Text(item!["status"]) == "True";
                    break;
                case "ContainersReady":
                    containersReady = JsonFields.Text(item!["status"]) == "True";
                    break;
            }
        }

        var (lease, mode) = StatusOf(JsonFields.Text(metadata?["annotations"]?[Annotations.Status]));
        return new CandidatePod(
            JsonFields.Text(metadata?["name"]) ?? "",
            lease,
            metadata?["deletionTimestamp"] is not null,
            JsonFields.Text(status?["phase"]),
            condition is null ? null : JsonFields.Text(condition["status"]) == "True",
            JsonFields.Text(condition?["reason"]),
            JsonFields.Text(condition?["message"]),
            JsonFields.Text(pod["spec"]?["nodeName"]),
            PodOwner.ControllerOf(metadata),
            JsonFields.Text(metadata?["labels"]?["pod-template-hash"]) ?? JsonFields.Text(metadata?["labels"]?["controller-revision-hash"]),
            ready,
            JsonFields.Text(metadata?["labels"]?[Labels.Role]),
            mode,
            containersReady);
    }

    /// <summary>The <c>lease</c> and <c>mode</c> of the webhook's status annotation (JSON); null when absent or unreadable.</summary>
    private static (string? Lease, string? Mode) StatusOf(string? status)
    {
        if (string.IsNullOrEmpty(status))
        {
            return (null, null);
        }

        try
        {
            var document = JsonNode.Parse(status);
            return (JsonFields.Text(document?["lease"]), JsonFields.Text(document?["mode"]));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}

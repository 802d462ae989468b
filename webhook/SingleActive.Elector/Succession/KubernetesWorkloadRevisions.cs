using System.Globalization;
using System.Text.Json.Nodes;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Succession;

/// <summary>
/// <see cref="IWorkloadRevisions"/> from apps/v1 in the elector's namespace (<c>get</c> on replicasets, deployments and
/// statefulsets). A Deployment's pods rank by their ReplicaSet's <c>deployment.kubernetes.io/revision</c>, which the
/// Deployment controller keeps on both (the Deployment's is its current template's); a StatefulSet's pods rank 1 when
/// their <c>controller-revision-hash</c> is the StatefulSet's <c>status.updateRevision</c>, else 0. Other pods rank 0.
/// An object that cannot be read (404, 403 with an older ClusterRole) ranks 0: a preference is lost, never a handover.
/// </summary>
public sealed class KubernetesWorkloadRevisions(KubeApiClient api, string @namespace) : IWorkloadRevisions
{
    /// <summary>The Deployment controller's revision annotation, on Deployments and their ReplicaSets.</summary>
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    private readonly string apps = $"apis/apps/v1/namespaces/{Uri.EscapeDataString(@namespace)}/";

    public Task<bool> IsOutdatedAsync(CandidatePod self, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        return IsOutdatedAsync(new Dictionary<string, JsonObject?>(), self, cancellationToken);
    }

    private async Task<bool> IsOutdatedAsync(Dictionary<string, JsonObject?> objects, CandidatePod self, CancellationToken cancellationToken)
    {
        switch (self.Owner)
        {
            case { Kind: "ReplicaSet" } owner:
                var replicaSet = await ReadAsync(objects, "replicasets", owner.Name, cancellationToken).ConfigureAwait(false);
                var deployment = PodOwner.ControllerOf(replicaSet?["metadata"]) is { Kind: "Deployment" } d ? await ReadAsync(objects, "deployments", d.Name, cancellationToken).ConfigureAwait(false) : null;
                return Revision(replicaSet) is { } own && Revision(deployment) is { } current && own < current;
            case { Kind: "StatefulSet" } owner:
                var statefulSet = await ReadAsync(objects, "statefulsets", owner.Name, cancellationToken).ConfigureAwait(false);
                return UpdateRevision(statefulSet) is { } update && self.RevisionHash is { } hash && hash != update;
            default:
                return false;
        }
    }

    public async Task<RevisionView> ReadAsync(CandidatePod self, IReadOnlyList<CandidatePod> others, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(others);
        var objects = new Dictionary<string, JsonObject?>();
        var ranks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in others.Append(self))
        {
            ranks[pod.Name] = await RankAsync(objects, pod, cancellationToken).ConfigureAwait(false);
        }

        return new RevisionView(ranks[self.Name], await IsOutdatedAsync(objects, self, cancellationToken).ConfigureAwait(false), ranks);
    }

    private async Task<long> RankAsync(Dictionary<string, JsonObject?> objects, CandidatePod pod, CancellationToken cancellationToken) => pod.Owner switch
    {
        { Kind: "ReplicaSet" } owner => Revision(await ReadAsync(objects, "replicasets", owner.Name, cancellationToken).ConfigureAwait(false)) ?? 0,
        { Kind: "StatefulSet" } owner => UpdateRevision(await ReadAsync(objects, "statefulsets", owner.Name, cancellationToken).ConfigureAwait(false)) is { } update && update == pod.RevisionHash ? 1 : 0,
        _ => 0,
    };

    /// <summary>The object, read once per call; <c>null</c> when it does not exist or cannot be read.</summary>
    private async Task<JsonObject?> ReadAsync(Dictionary<string, JsonObject?> objects, string resource, string name, CancellationToken cancellationToken)
    {
        var path = apps + resource + "/" + Uri.EscapeDataString(name);
        if (!objects.TryGetValue(path, out var found))
        {
            try
            {
                found = await api.GetAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException)
            {
                found = null; // 403 with a ClusterRole from before this version: no preference, as before.
            }

            objects[path] = found;
        }

        return found;
    }

    private static long? Revision(JsonObject? workload) =>
        workload?["metadata"]?["annotations"]?[RevisionAnnotation] is JsonValue value && value.TryGetValue<string>(out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : null;

    private static string? UpdateRevision(JsonObject? statefulSet) =>
        statefulSet?["status"]?["updateRevision"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}

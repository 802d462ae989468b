using k8s;

namespace SingleActive.Kube.Workloads;

/// <summary>Lists the single-active workloads of a namespace or of the cluster, for the webhook's advice and the kubectl plugin alike.</summary>
public static class SingleActiveWorkloads
{
    /// <summary>
    /// Every opted-in Deployment and StatefulSet (<see cref="SingleActiveWorkload.From(k8s.Models.V1Deployment)"/>),
    /// ordered by namespace, kind and name; <paramref name="namespace"/> null: all namespaces. Two list calls at once
    /// (apps/v1 deployments and statefulsets); throws what the API client throws.
    /// </summary>
    /// <param name="fromCache">
    /// List with <c>resourceVersion=0</c>: the API server answers from its watch cache, not from etcd, at the price of
    /// a view that may lag by the cache's delay (the list semantics "Any" of
    /// https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions). For advice, not for decisions.
    /// </param>
    public static async Task<IReadOnlyList<SingleActiveWorkload>> ListAsync(IKubernetes client, string? @namespace, CancellationToken cancellationToken, bool fromCache = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        var resourceVersion = fromCache ? "0" : null;
        var listingDeployments = @namespace is null
            ? client.AppsV1.ListDeploymentForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken)
            : client.AppsV1.ListNamespacedDeploymentAsync(@namespace, resourceVersion: resourceVersion, cancellationToken: cancellationToken);
        var listingStatefulSets = @namespace is null
            ? client.AppsV1.ListStatefulSetForAllNamespacesAsync(resourceVersion: resourceVersion, cancellationToken: cancellationToken)
            : client.AppsV1.ListNamespacedStatefulSetAsync(@namespace, resourceVersion: resourceVersion, cancellationToken: cancellationToken);
        await Task.WhenAll(listingDeployments, listingStatefulSets).ConfigureAwait(false);
        var deployments = await listingDeployments.ConfigureAwait(false);
        var statefulSets = await listingStatefulSets.ConfigureAwait(false);
        return [.. (deployments.Items ?? []).Select(SingleActiveWorkload.From)
            .Concat((statefulSets.Items ?? []).Select(SingleActiveWorkload.From))
            .OfType<SingleActiveWorkload>()
            .OrderBy(w => w.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Workload.Kind, StringComparer.Ordinal)
            .ThenBy(w => w.Name, StringComparer.Ordinal)];
    }
}

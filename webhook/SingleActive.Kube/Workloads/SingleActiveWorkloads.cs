using k8s;

namespace SingleActive.Kube.Workloads;

/// <summary>Lists the single-active workloads of a namespace or of the cluster, for the webhook's advice and the kubectl plugin alike.</summary>
public static class SingleActiveWorkloads
{
    /// <summary>
    /// Every opted-in Deployment and StatefulSet (<see cref="SingleActiveWorkload.From(k8s.Models.V1Deployment)"/>),
    /// ordered by namespace, kind and name; <paramref name="namespace"/> null: all namespaces. Two list calls
    /// (apps/v1 deployments, then statefulsets); throws what the API client throws.
    /// </summary>
    public static async Task<IReadOnlyList<SingleActiveWorkload>> ListAsync(IKubernetes client, string? @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deployments = @namespace is null
            ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedDeploymentAsync(@namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        var statefulSets = @namespace is null
            ? await client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.AppsV1.ListNamespacedStatefulSetAsync(@namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. (deployments.Items ?? []).Select(SingleActiveWorkload.From)
            .Concat((statefulSets.Items ?? []).Select(SingleActiveWorkload.From))
            .OfType<SingleActiveWorkload>()
            .OrderBy(w => w.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Workload.Kind, StringComparer.Ordinal)
            .ThenBy(w => w.Name, StringComparer.Ordinal)];
    }
}

using k8s;

namespace SingleActive.Kube.Workloads;

/// <summary>Lists the single-active workloads of a namespace or of the cluster, for the webhook's advice and the kubectl plugin alike.</summary>
public static class SingleActiveWorkloads
{
    /// <summary>
    /// Every opted-in Deployment and StatefulSet (<see cref="SingleActiveWorkload.From(k8s.Models.V1Deployment)"/>),
    /// ordered by namespace, kind and name; <paramref name="namespace"/> null: all namespaces. Two list calls at once
    /// (apps/v1 deployments and statefulsets, both up to date: no <c>resourceVersion</c>, so a workload applied just
    /// before is seen); the first to fail cancels the other, and its exception is thrown (what the API client throws).
    /// </summary>
    public static async Task<IReadOnlyList<SingleActiveWorkload>> ListAsync(IKubernetes client, string? @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listingDeployments = @namespace is null
            ? client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: both.Token)
            : client.AppsV1.ListNamespacedDeploymentAsync(@namespace, cancellationToken: both.Token);
        var listingStatefulSets = @namespace is null
            ? client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: both.Token)
            : client.AppsV1.ListNamespacedStatefulSetAsync(@namespace, cancellationToken: both.Token);
        if (!(await Task.WhenAny(listingDeployments, listingStatefulSets).ConfigureAwait(false)).IsCompletedSuccessfully)
        {
            await both.CancelAsync().ConfigureAwait(false);
        }

        // A fault wins over the cancellation it caused: WhenAll throws the failed list's exception.
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

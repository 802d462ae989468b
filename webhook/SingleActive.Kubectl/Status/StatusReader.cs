using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Status;

/// <summary>Reads what <see cref="WorkloadStatus.From"/> needs: the workload's Lease and its pods (by the workload's selector).</summary>
public sealed class StatusReader(IKubernetes client)
{
    public async Task<WorkloadStatus> ReadAsync(SingleActiveWorkload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var lease = await ReadLeaseAsync(client, workload, cancellationToken).ConfigureAwait(false);
        var selector = workload.LabelSelectorQuery();
        var pods = selector is null
            ? []
            : (await client.CoreV1.ListNamespacedPodAsync(workload.Namespace, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
        return WorkloadStatus.From(workload.WithModeOfPods(pods), lease, [.. pods]);
    }

    /// <summary>The workload's Lease, or null when it does not exist yet.</summary>
    public static async Task<V1Lease?> ReadLeaseAsync(IKubernetes client, SingleActiveWorkload workload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(workload);
        try
        {
            return await client.CoordinationV1.ReadNamespacedLeaseAsync(workload.LeaseName, workload.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

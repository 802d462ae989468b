using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Workloads;

/// <summary>Reads the single-active Deployments and StatefulSets of a namespace, for advice only.</summary>
public interface IWorkloadLookup
{
    /// <summary>
    /// The opted-in workloads in <paramref name="namespace"/>, or null when they cannot be read (no API configured, no
    /// permission, a slow API server). Never throws for those: the answer only adds warnings, so it must not block or
    /// fail an admission.
    /// </summary>
    Task<IReadOnlyList<SingleActiveWorkload>?> ListAsync(string @namespace, CancellationToken cancellationToken);
}

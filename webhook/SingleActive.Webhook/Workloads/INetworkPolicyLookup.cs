using k8s.Models;

namespace SingleActive.Webhook.Workloads;

/// <summary>Reads the NetworkPolicies of a namespace, for advice only.</summary>
public interface INetworkPolicyLookup
{
    /// <summary>
    /// The NetworkPolicies in <paramref name="namespace"/>, or null when they cannot be read (no API configured, no
    /// permission, a slow API server). Never throws for those: the answer only adds warnings, so it must not block or
    /// fail an admission.
    /// </summary>
    Task<IReadOnlyList<V1NetworkPolicy>?> ListAsync(string @namespace, CancellationToken cancellationToken);
}

using k8s.Models;

namespace SingleActive.Webhook.Workloads;

/// <summary>Reads the PodDisruptionBudgets of a namespace, for advice only.</summary>
public interface IPodDisruptionBudgetLookup
{
    /// <summary>
    /// The budgets in <paramref name="namespace"/>, or null when they cannot be read (no API configured, no
    /// permission, a slow API server). Never throws for those: the answer only adds warnings, so it must not
    /// block or fail an admission.
    /// </summary>
    Task<IReadOnlyList<V1PodDisruptionBudget>?> ListAsync(string @namespace, CancellationToken cancellationToken);
}

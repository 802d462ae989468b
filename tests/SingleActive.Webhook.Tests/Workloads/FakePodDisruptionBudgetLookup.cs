using k8s.Models;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>Budgets from a list; records the namespaces asked for. Null budgets stand for an unreachable API.</summary>
internal sealed class FakePodDisruptionBudgetLookup(params V1PodDisruptionBudget[]? budgets) : IPodDisruptionBudgetLookup
{
    public List<string> Asked { get; } = [];

    public Task<IReadOnlyList<V1PodDisruptionBudget>?> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        Asked.Add(@namespace);
        return Task.FromResult<IReadOnlyList<V1PodDisruptionBudget>?>(budgets);
    }
}

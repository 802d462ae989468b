using k8s.Models;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>Budgets from a list (<see cref="FakeNamespaceLookup{T}"/>).</summary>
internal sealed class FakePodDisruptionBudgetLookup(params V1PodDisruptionBudget[]? budgets)
    : FakeNamespaceLookup<V1PodDisruptionBudget>(budgets, b => b.Metadata?.NamespaceProperty), IPodDisruptionBudgetLookup;

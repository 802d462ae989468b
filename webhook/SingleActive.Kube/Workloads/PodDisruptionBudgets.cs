using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.Kube.Workloads;

/// <summary>Lists a namespace's PodDisruptionBudgets: <c>policy/v1</c>, or <c>policy/v1beta1</c> on servers older than 1.21 (which serve only that).</summary>
public static class PodDisruptionBudgets
{
    /// <summary>The budgets, as policy/v1 objects; throws what the API client throws.</summary>
    public static async Task<IReadOnlyList<V1PodDisruptionBudget>> ListAsync(IKubernetes client, string @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var list = await client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(@namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return [.. list.Items ?? []];
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<V1PodDisruptionBudgetList>(
                "policy", "v1beta1", @namespace, "poddisruptionbudgets", cancellationToken: cancellationToken).ConfigureAwait(false);
            return [.. (list.Items ?? []).Select(FromV1Beta1)];
        }
    }

    /// <summary>A policy/v1beta1 budget read as a policy/v1 object: in v1beta1 an empty selector selects no pods (policy/v1 changed it to all pods), so it becomes none. Changes <paramref name="budget"/> and returns it.</summary>
    public static V1PodDisruptionBudget FromV1Beta1(V1PodDisruptionBudget budget)
    {
        if (budget.Spec?.Selector is { } selector && (selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0)
        {
            budget.Spec.Selector = null;
        }

        return budget;
    }
}

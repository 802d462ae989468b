using System.Net;
using Microsoft.Extensions.Logging;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Cluster;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Lists budgets through the webhook's API connection: <c>policy/v1</c>, falling back to <c>policy/v1beta1</c>
/// on servers older than 1.21 (which serve only that). Bounded by a short timeout because it runs inside an
/// admission request whose own timeout is a few seconds.
/// </summary>
public sealed class KubernetesPodDisruptionBudgetLookup(
    ClusterConnection connection,
    ILogger<KubernetesPodDisruptionBudgetLookup> logger,
    TimeProvider? timeProvider = null) : IPodDisruptionBudgetLookup
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<V1PodDisruptionBudget>?> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        if (connection.Client is not { } client)
        {
            WorkloadLog.BudgetCheckSkipped(logger, @namespace, connection.Description);
            return null;
        }

        using var deadline = new CancellationTokenSource(Timeout, timeProvider ?? TimeProvider.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            try
            {
                var list = await client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(@namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
                return [.. list.Items ?? []];
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
            {
                var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<V1PodDisruptionBudgetList>(
                    "policy", "v1beta1", @namespace, "poddisruptionbudgets", cancellationToken: timeout.Token).ConfigureAwait(false);
                return [.. (list.Items ?? []).Select(FromV1Beta1)];
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException or System.Text.Json.JsonException
                                  && !cancellationToken.IsCancellationRequested)
        {
            WorkloadLog.BudgetLookupFailed(logger, @namespace, e);
            return null;
        }
    }

    /// <summary>In policy/v1beta1 an empty selector selects no pods (policy/v1 changed it to all pods).</summary>
    private static V1PodDisruptionBudget FromV1Beta1(V1PodDisruptionBudget budget)
    {
        if (budget.Spec?.Selector is { } selector && (selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0)
        {
            budget.Spec.Selector = null;
        }

        return budget;
    }
}

using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Lists budgets through the webhook's API connection (<see cref="PodDisruptionBudgets"/>). Bounded by a short timeout because it runs inside an
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
            return await PodDisruptionBudgets.ListAsync(client, @namespace, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException or System.Text.Json.JsonException
                                  && !cancellationToken.IsCancellationRequested)
        {
            WorkloadLog.BudgetLookupFailed(logger, @namespace, e);
            return null;
        }
    }
}

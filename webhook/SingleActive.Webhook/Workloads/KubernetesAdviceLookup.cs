using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Logging;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Lists a namespace's PodDisruptionBudgets (<see cref="PodDisruptionBudgets"/>), Services, NetworkPolicies and single-active
/// workloads (<see cref="SingleActiveWorkloads"/>) through the webhook's API connection, inside an admission and only to add warnings: each list bounded by a short timeout (the
/// admission request's own is a few seconds), and null instead of an error when there is no API connection or the
/// call fails.
/// </summary>
public sealed class KubernetesAdviceLookup(
    ClusterConnection connection,
    ILogger<KubernetesAdviceLookup> logger,
    TimeProvider? timeProvider = null) : IPodDisruptionBudgetLookup, IServiceLookup, INetworkPolicyLookup, IWorkloadLookup
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A failed list is logged at most this often per kind of list and cause: the advice webhook meets the same refusal
    /// (a ClusterRole not upgraded with the webhook configuration) on every Service, budget and NetworkPolicy write.
    /// </summary>
    internal static readonly TimeSpan FailureLogPeriod = TimeSpan.FromMinutes(5);

    private readonly OncePerPeriod failureWarnings = new(timeProvider ?? TimeProvider.System);

    Task<IReadOnlyList<V1PodDisruptionBudget>?> IPodDisruptionBudgetLookup.ListAsync(string @namespace, CancellationToken cancellationToken) =>
        ListAsync("PodDisruptionBudgets", @namespace, (client, ct) => PodDisruptionBudgets.ListAsync(client, @namespace, ct), cancellationToken);

    Task<IReadOnlyList<V1Service>?> IServiceLookup.ListAsync(string @namespace, CancellationToken cancellationToken) =>
        ListAsync<V1Service>("Services", @namespace, async (client, ct) => [.. (await client.CoreV1.ListNamespacedServiceAsync(@namespace, cancellationToken: ct).ConfigureAwait(false)).Items ?? []], cancellationToken);

    Task<IReadOnlyList<V1NetworkPolicy>?> INetworkPolicyLookup.ListAsync(string @namespace, CancellationToken cancellationToken) =>
        ListAsync<V1NetworkPolicy>("NetworkPolicies", @namespace, async (client, ct) => [.. (await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(@namespace, cancellationToken: ct).ConfigureAwait(false)).Items ?? []], cancellationToken);

    Task<IReadOnlyList<SingleActiveWorkload>?> IWorkloadLookup.ListAsync(string @namespace, CancellationToken cancellationToken) =>
        ListAsync("Deployments and StatefulSets", @namespace, (client, ct) => SingleActiveWorkloads.ListAsync(client, @namespace, ct), cancellationToken);

    /// <param name="what">What is listed, for the log.</param>
    private async Task<IReadOnlyList<T>?> ListAsync<T>(string what, string @namespace, Func<IKubernetes, CancellationToken, Task<IReadOnlyList<T>>> list, CancellationToken cancellationToken)
    {
        if (connection.Client is not { } client)
        {
            WorkloadLog.AdviceSkipped(logger, what, @namespace, connection.Description);
            return null;
        }

        using var deadline = new CancellationTokenSource(Timeout, timeProvider ?? TimeProvider.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await list(client, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong (an error status, a dropped connection, the 2 s bound, an unreadable answer): the
            // advice is skipped, the admission goes on.
            var cause = e switch
            {
                HttpOperationException { Response: { } response } => $"HTTP {(int)response.StatusCode}",
                OperationCanceledException => $"no answer within {Timeout.TotalSeconds:0} s",
                _ => e.GetType().Name,
            };
            if (this.failureWarnings.IsDue($"{what}: {cause}", FailureLogPeriod))
            {
                WorkloadLog.AdviceLookupFailed(logger, what, @namespace, cause, FailureLogPeriod.TotalMinutes, e);
            }

            return null;
        }
    }
}

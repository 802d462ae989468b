using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kube.Namespaces;
using SingleActive.Kube.Workloads;
using SingleActive.Kubectl.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// Reads a <see cref="ClusterSnapshot"/>: cluster-wide objects, then the namespaces that have single-active workloads.
/// A refused read of what only some checks need (HTTP 403: a user bound to a namespace's <c>view</c>, <c>edit</c> or
/// <c>admin</c> role may not read cluster-scoped objects) is recorded in <see cref="ClusterSnapshot.Refused"/> and the
/// others still run; a refused read of the workloads or their pods fails the command, as nothing could be checked.
/// </summary>
public sealed class SnapshotReader(IKubernetes client)
{
    public async Task<ClusterSnapshot> ReadAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var refused = new List<RefusedRead>();
        var workloads = await new WorkloadCatalog(client).ListAsync(@namespace, cancellationToken).ConfigureAwait(false);
        var version = await client.Version.GetCodeAsync(cancellationToken).ConfigureAwait(false);
        var configuration = await UnlessRefusedAsync(refused, RefusedReads.WebhookConfigurations, null,
            () => OrNullAsync(() => client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(DoctorChecks.WebhookConfigurationName, cancellationToken: cancellationToken)), null).ConfigureAwait(false);
        var roles = new Dictionary<string, V1ClusterRole>(StringComparer.Ordinal);
        foreach (var name in (string[])[ElectorRbacNames.ElectorClusterRole, ElectorRbacNames.LabelClusterRole, ElectorRbacNames.NodeClusterRole])
        {
            if (await UnlessRefusedAsync(refused, RefusedReads.ClusterRoles, null, () => OrNullAsync(() => client.RbacAuthorizationV1.ReadClusterRoleAsync(name, cancellationToken: cancellationToken)), null).ConfigureAwait(false) is { } role)
            {
                roles[name] = role;
            }
        }

        var nodeBindings = (await UnlessRefusedAsync<IList<V1ClusterRoleBinding>>(refused, RefusedReads.ClusterRoleBindings, null,
                async () => (await client.RbacAuthorizationV1.ListClusterRoleBindingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false))
            .Where(b => b.RoleRef is { Kind: "ClusterRole", Name: ElectorRbacNames.NodeClusterRole });
        var nodes = await UnlessRefusedAsync<IList<V1Node>>(refused, RefusedReads.Nodes, null,
            async () => (await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false);
        var namespaces = new List<NamespaceSnapshot>();
        foreach (var group in workloads.GroupBy(w => w.Namespace))
        {
            var ns = group.Key;
            var withPods = new List<(SingleActiveWorkload, IReadOnlyList<V1Pod>)>();
            foreach (var workload in group)
            {
                var selector = workload.LabelSelectorQuery();
                var pods = selector is null ? [] : (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
                withPods.Add((workload.WithModeOfPods(pods), [.. pods]));
            }

            namespaces.Add(new NamespaceSnapshot(
                ns,
                [.. await UnlessRefusedAsync<IList<V1RoleBinding>>(refused, RefusedReads.RoleBindings, ns,
                    async () => (await client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false)],
                await PodDisruptionBudgets.ListAsync(client, ns, cancellationToken).ConfigureAwait(false),
                [.. (await client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items],
                withPods,
                [.. await UnlessRefusedAsync<IList<V1Lease>>(refused, RefusedReads.Leases, ns,
                    async () => (await client.CoordinationV1.ListNamespacedLeaseAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false)],
                [.. await UnlessRefusedAsync<IList<V1NetworkPolicy>>(refused, RefusedReads.NetworkPolicies, ns,
                    async () => (await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false)]));
        }

        var backends = await BackendsAsync(configuration, namespaces, refused, cancellationToken).ConfigureAwait(false);
        var apiServer = namespaces.Any(n => n.NetworkPolicies.Count > 0) || backends.Any(b => b.NetworkPolicies is { Count: > 0 })
            ? await ApiServerAsync(cancellationToken).ConfigureAwait(false)
            : null;
        // Only the node bindings' accounts need the namespaces: not read (nor reported) when the bindings were refused.
        var allNamespaces = refused.Any(r => r.Resource == RefusedReads.ClusterRoleBindings)
            ? null
            : await UnlessRefusedAsync<IReadOnlySet<string>?>(refused, RefusedReads.Namespaces, null,
                async () => await LiveNamespaces.ListAsync(client, cancellationToken).ConfigureAwait(false), null).ConfigureAwait(false);
        return new ClusterSnapshot(ParseVersion(version), configuration, roles, [.. nodeBindings], [.. nodes], namespaces, backends, allNamespaces, refused, apiServer);
    }

    /// <summary>
    /// Each Service the webhooks call and the Endpoints behind it: what the API server can reach right now. v1
    /// Endpoints, not EndpointSlices: the oldest API servers served (1.20) have no discovery.k8s.io/v1. Where its
    /// namespace has NetworkPolicies (listed already when it also holds workloads, <paramref name="read"/>), also the
    /// pods it selects, to match them against.
    /// </summary>
    private async Task<IReadOnlyList<WebhookBackend>> BackendsAsync(
        V1MutatingWebhookConfiguration? configuration, IReadOnlyList<NamespaceSnapshot> read, List<RefusedRead> refused, CancellationToken cancellationToken)
    {
        var backends = new List<WebhookBackend>();
        var services = (configuration?.Webhooks ?? []).Select(w => w.ClientConfig?.Service).OfType<Admissionregistrationv1ServiceReference>()
            .Select(s => (s.NamespaceProperty, s.Name, Port: s.Port ?? 443)).Distinct();
        foreach (var (ns, name, port) in services)
        {
            try
            {
                var service = await OrNullAsync(() => client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var endpoints = await OrNullAsync(() => client.CoreV1.ReadNamespacedEndpointsAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
                IReadOnlyList<V1NetworkPolicy> policies = read.FirstOrDefault(n => n.Name == ns)?.NetworkPolicies ?? [.. await UnlessRefusedAsync<IList<V1NetworkPolicy>>(refused, RefusedReads.NetworkPolicies, ns,
                    async () => (await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false)];
                var pods = policies.Count > 0 && service?.Spec?.Selector is { Count: > 0 } selector
                    ? await UnlessRefusedAsync<IList<V1Pod>>(refused, RefusedReads.Pods, ns, async () => (await client.CoreV1.ListNamespacedPodAsync(ns,
                        labelSelector: string.Join(',', selector.Select(l => $"{l.Key}={l.Value}")), cancellationToken: cancellationToken).ConfigureAwait(false)).Items, []).ConfigureAwait(false)
                    : [];
                backends.Add(new WebhookBackend(ns, name, port, service, endpoints, NetworkPolicies: [.. policies], Pods: [.. pods]));
            }
            catch (HttpOperationException e)
            {
                var said = ApiStatusMessage.Of(e);
                backends.Add(new WebhookBackend(ns, name, port, null, null, e.Response is null ? said : $"HTTP {(int)e.Response.StatusCode}: {said}"));
            }
        }

        return backends;
    }

    /// <summary>
    /// The <c>kubernetes</c> Service in <c>default</c> and its Endpoints, each as far as it is there and readable (a doctor
    /// bound in some namespaces only may read neither: the NetworkPolicy checks then do without the addresses, nothing
    /// to report); null when neither names an address.
    /// </summary>
    private async Task<ApiServerDestinations?> ApiServerAsync(CancellationToken cancellationToken)
    {
        var service = await UnlessForbiddenAsync(() => client.CoreV1.ReadNamespacedServiceAsync(ApiServerDestinations.ServiceName, ApiServerDestinations.ServiceNamespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var endpoints = await UnlessForbiddenAsync(() => client.CoreV1.ReadNamespacedEndpointsAsync(ApiServerDestinations.ServiceName, ApiServerDestinations.ServiceNamespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ApiServerDestinations.From(service, endpoints);
    }

    /// <summary>What <paramref name="read"/> returns; null when absent (404) or refused (403).</summary>
    private static async Task<T?> UnlessForbiddenAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await OrNullAsync(read).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    internal static Version? ParseVersion(VersionInfo? info) =>
        info?.GitVersion?.TrimStart('v').Split('.', '-', '+') is [var major, var minor, ..] && int.TryParse(major, out var ma) && int.TryParse(minor, out var mi)
            ? new Version(ma, mi)
            : null;

    /// <summary>
    /// What <paramref name="read"/> returns; when the API server refuses it (HTTP 403), <paramref name="refusedValue"/>
    /// and the refusal noted in <paramref name="refused"/> (once per resource and namespace: a refused read is not tried again).
    /// </summary>
    private static async Task<T> UnlessRefusedAsync<T>(List<RefusedRead> refused, string resource, string? @namespace, Func<Task<T>> read, T refusedValue)
    {
        if (refused.Any(r => r.Resource == resource && r.Namespace == @namespace))
        {
            return refusedValue;
        }

        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            refused.Add(new RefusedRead(resource, @namespace, ApiStatusMessage.Of(e)));
            return refusedValue;
        }
    }

    private static async Task<T?> OrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

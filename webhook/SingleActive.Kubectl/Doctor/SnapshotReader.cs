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

/// <summary>Reads a <see cref="ClusterSnapshot"/>: cluster-wide objects, then the namespaces that have single-active workloads.</summary>
public sealed class SnapshotReader(IKubernetes client)
{
    public async Task<ClusterSnapshot> ReadAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var workloads = await new WorkloadCatalog(client).ListAsync(@namespace, cancellationToken).ConfigureAwait(false);
        var version = await client.Version.GetCodeAsync(cancellationToken).ConfigureAwait(false);
        var configuration = await OrNullAsync(() => client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(DoctorChecks.WebhookConfigurationName, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var roles = new Dictionary<string, V1ClusterRole>(StringComparer.Ordinal);
        foreach (var name in (string[])[ElectorRbacNames.ElectorClusterRole, ElectorRbacNames.LabelClusterRole, ElectorRbacNames.NodeClusterRole])
        {
            if (await OrNullAsync(() => client.RbacAuthorizationV1.ReadClusterRoleAsync(name, cancellationToken: cancellationToken)).ConfigureAwait(false) is { } role)
            {
                roles[name] = role;
            }
        }

        var nodeBindings = (await client.RbacAuthorizationV1.ListClusterRoleBindingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items
            .Where(b => b.RoleRef is { Kind: "ClusterRole", Name: ElectorRbacNames.NodeClusterRole });
        var nodes = (await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items;
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
                [.. (await client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items],
                await PodDisruptionBudgets.ListAsync(client, ns, cancellationToken).ConfigureAwait(false),
                [.. (await client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items],
                withPods,
                await LeasesAsync(ns, cancellationToken).ConfigureAwait(false)));
        }

        var backends = await BackendsAsync(configuration, cancellationToken).ConfigureAwait(false);
        return new ClusterSnapshot(ParseVersion(version), configuration, roles, [.. nodeBindings], [.. nodes], namespaces, backends, await NamespaceNamesAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every namespace's name (for the node bindings' accounts of deleted namespaces); null when the user may not list them.</summary>
    private Task<IReadOnlySet<string>?> NamespaceNamesAsync(CancellationToken cancellationToken) =>
        WhenForbiddenAsync<IReadOnlySet<string>?>(async () => await LiveNamespaces.ListAsync(client, cancellationToken).ConfigureAwait(false), null);

    /// <summary>A namespace's Leases (is failover paused?); none when the user may not list them, so the rest of the checks still run.</summary>
    private Task<IReadOnlyList<V1Lease>> LeasesAsync(string ns, CancellationToken cancellationToken) =>
        WhenForbiddenAsync<IReadOnlyList<V1Lease>>(async () => [.. (await client.CoordinationV1.ListNamespacedLeaseAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false)).Items], []);

    /// <summary>
    /// Each Service the webhooks call and the Endpoints behind it: what the API server can reach right now. v1
    /// Endpoints, not EndpointSlices: the oldest API servers served (1.20) have no discovery.k8s.io/v1.
    /// </summary>
    private async Task<IReadOnlyList<WebhookBackend>> BackendsAsync(V1MutatingWebhookConfiguration? configuration, CancellationToken cancellationToken)
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
                backends.Add(new WebhookBackend(ns, name, port, service, endpoints));
            }
            catch (HttpOperationException e)
            {
                var said = ApiStatusMessage.Of(e);
                backends.Add(new WebhookBackend(ns, name, port, null, null, e.Response is null ? said : $"HTTP {(int)e.Response.StatusCode}: {said}"));
            }
        }

        return backends;
    }

    internal static Version? ParseVersion(VersionInfo? info) =>
        info?.GitVersion?.TrimStart('v').Split('.', '-', '+') is [var major, var minor, ..] && int.TryParse(major, out var ma) && int.TryParse(minor, out var mi)
            ? new Version(ma, mi)
            : null;

    /// <summary>What <paramref name="read"/> returns, or <paramref name="forbidden"/> when the user may not read it (HTTP 403): a check that needs it is skipped, the others run.</summary>
    private static async Task<T> WhenForbiddenAsync<T>(Func<Task<T>> read, T forbidden)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            return forbidden;
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

using k8s;
using k8s.Models;

namespace SingleActive.Kube.Namespaces;

/// <summary>
/// The namespaces a cluster has now, for telling which accounts in the node bindings outlived their namespace: the
/// webhook's removal from ClusterRoleBinding <c>single-active-elector-node</c> and <c>kubectl single-active doctor</c>.
/// </summary>
public static class LiveNamespaces
{
    /// <summary>Namespaces per list call: a page of names, however many namespaces the cluster has.</summary>
    private const int PageSize = 500;

    /// <summary>
    /// Every namespace's name, Terminating ones included. A list with a page size and no resourceVersion is a consistent
    /// read (from etcd; from 1.31, ConsistentListFromCache serves it from the watch cache once that has caught up), and
    /// its continue tokens page through that one snapshot. The client's exceptions pass through.
    /// </summary>
    public static async Task<HashSet<string>> ListAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var page = await client.CoreV1.ListNamespaceAsync(continueParameter: next, limit: PageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
            names.UnionWith(page.Items.Select(n => n.Metadata.Name));
            next = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));

        return names;
    }

    /// <summary>A ServiceAccount subject whose namespace is not among <paramref name="names"/>; users and groups never are.</summary>
    public static bool IsAccountOutside(Rbacv1Subject subject, IReadOnlySet<string> names)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(names);
        return subject is { Kind: "ServiceAccount", NamespaceProperty: { Length: > 0 } ns } && !names.Contains(ns);
    }
}

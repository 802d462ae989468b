using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Core.Errors;
using SingleActive.Kube.ApiConnection;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Keeps the subjects of the cluster-wide binding that lets electors read their node (ClusterRoleBinding
/// <c>single-active-elector-node</c>, which deploy/ installs without subjects): adds an elector account and, in the
/// same write, removes the ServiceAccounts whose namespace no longer exists, so the list does not grow with every
/// namespace a cluster ever had, and a namespace created again under an old name does not inherit node read.
/// Subjects of other kinds (users, groups an administrator added) are never touched.
/// </summary>
/// <remarks>
/// Order matters for the removal: the binding is read first, the namespaces listed after it (a consistent list, not
/// the watch cache), and the update carries the binding's resourceVersion. A subject in the binding was added while a
/// pod of its namespace was admitted, so its namespace existed before the list began; only a namespace deleted since
/// (or still being deleted: a Terminating namespace is listed and kept) can be missing from it. A 409 Conflict reads
/// both again. Nothing is removed while no account is added: an unchanged binding costs one get, as before.
/// </remarks>
public sealed class NodeBindingSubjects(IKubernetes client, CancellationToken cancellationToken)
{
    /// <summary>Updates of the shared binding tried before a 409 Conflict is a failure: each conflict means another replica's update went in.</summary>
    private const int ConflictAttempts = 8;

    /// <summary>Namespaces per list call: a page of names, however many namespaces the cluster has.</summary>
    private const int NamespacePageSize = 500;

    /// <summary>
    /// Makes the account a subject of the binding <paramref name="name"/> to <paramref name="clusterRole"/>: get it, add
    /// the subject if missing (dropping the ServiceAccounts of namespaces that are gone), update with the resourceVersion
    /// read, and again from the get after a 409 Conflict (webhook replicas race). A binding that is missing, refers to
    /// another role or may not be read or updated is a <see cref="NodeBindingWrite.Problem"/>, none of which keeps the pod
    /// from working; namespaces that cannot be listed leave the old subjects in place (<see cref="NodeBindingWrite.NotPruned"/>);
    /// any other failure throws <see cref="RbacApiException"/>.
    /// </summary>
    public async Task<NodeBindingWrite> EnsureAsync(string name, string clusterRole, string @namespace, string serviceAccount)
    {
        var account = $"ServiceAccount {@namespace}/{serviceAccount}";
        var cost = $"so {account} cannot read its node and drain-aware handover is off for its electors (the pod is admitted)";
        for (var attempt = 1; ; attempt++)
        {
            V1ClusterRoleBinding binding;
            try
            {
                binding = await client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return NodeBindingWrite.Failed(new NodeBindingProblem(NodeBindingProblem.Missing,
                    $"ClusterRoleBinding {name} does not exist, {cost}; apply deploy/ of this version, which installs it (bound to ClusterRole {clusterRole}, no subjects)"));
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                return NodeBindingWrite.Failed(Forbidden("get", e));
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                throw RbacApiFailure.Of("get", "ClusterRoleBinding", "clusterrolebindings", null, name, e);
            }

            if (binding.RoleRef is not { Kind: "ClusterRole" } roleRef || roleRef.Name != clusterRole)
            {
                return NodeBindingWrite.Failed(new NodeBindingProblem(NodeBindingProblem.WrongRole,
                    $"ClusterRoleBinding {name} refers to {binding.RoleRef?.Kind} {binding.RoleRef?.Name}, not ClusterRole {clusterRole}, so the webhook adds no subject to it, {cost}; " +
                    "delete it and apply deploy/ again"));
            }

            if (binding.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == @namespace) == true)
            {
                return NodeBindingWrite.Unchanged;
            }

            var (live, notPruned) = await ListNamespacesAsync(name).ConfigureAwait(false);
            var kept = new List<Rbacv1Subject>();
            var removed = new List<string>();
            foreach (var subject in binding.Subjects ?? [])
            {
                if (live is not null && subject is { Kind: "ServiceAccount", NamespaceProperty: { Length: > 0 } ns } && !live.Contains(ns))
                {
                    removed.Add($"{ns}/{subject.Name}");
                }
                else
                {
                    kept.Add(subject);
                }
            }

            kept.Add(new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = @namespace });
            binding.Subjects = kept;

            // The AOT client cannot serialize managedFields (untyped JSON); omitted, the API server keeps them.
            binding.Metadata.ManagedFields = null;
            try
            {
                await client.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(binding, name, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new NodeBindingWrite(true, removed, null, notPruned);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictAttempts)
            {
                // Another replica updated it since the get: read it (and the namespaces) again.
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                return NodeBindingWrite.Failed(Forbidden("update", e));
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                throw RbacApiFailure.Of("update", "ClusterRoleBinding", "clusterrolebindings", null, name, e);
            }
        }

        NodeBindingProblem Forbidden(string verb, HttpOperationException e)
        {
            var also = verb == "update" ? $" (or \"bind\" on ClusterRole {clusterRole})" : "";
            return new NodeBindingProblem(NodeBindingProblem.Forbidden,
                $"cannot {verb} ClusterRoleBinding {name}: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"{verb}\" on clusterrolebindings {name}{also}, {cost}; " +
                $"apply deploy/ of this version ({ApiStatusMessage.Of(e)})");
        }
    }

    /// <summary>
    /// The names of every namespace, read page by page from etcd (a paginated list is one consistent snapshot); or
    /// why not, in which case the binding's subjects stay as they are.
    /// </summary>
    private async Task<(HashSet<string>? Names, string? Problem)> ListNamespacesAsync(string binding)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var cost = $"so subjects of ClusterRoleBinding {binding} whose namespace is gone are not removed (each grants node read to an account " +
            "of that name should its namespace be created again)";
        string? next = null;
        do
        {
            V1NamespaceList page;
            try
            {
                page = await client.CoreV1.ListNamespaceAsync(continueParameter: next, limit: NamespacePageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                return (null, $"cannot list namespaces: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"list\" on namespaces, {cost}; " +
                    $"apply deploy/ of this version ({ApiStatusMessage.Of(e)})");
            }
            catch (HttpOperationException e)
            {
                return (null, $"cannot list namespaces: the Kubernetes API answered {(int)e.Response.StatusCode} {e.Response.StatusCode}, {cost} this time ({ApiStatusMessage.Of(e)})");
            }
            catch (HttpRequestException e)
            {
                return (null, $"cannot list namespaces: the Kubernetes API cannot be reached, {cost} this time ({ErrorText.Of(e)})");
            }

            foreach (var item in page.Items)
            {
                names.Add(item.Metadata.Name);
            }

            next = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));

        return (names, null);
    }
}

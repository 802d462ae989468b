using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Core.Errors;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kube.Namespaces;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Keeps the subjects of the cluster-wide binding that lets electors read their node (ClusterRoleBinding
/// <c>single-active-elector-node</c>, which deploy/ installs without subjects): adds an elector account and, in the
/// same write, removes the ServiceAccounts whose namespace no longer exists, so the list does not grow with every
/// namespace a cluster ever had, and a namespace created again under an old name does not inherit node read once
/// another account has been added since. Subjects of other kinds (users, groups an administrator added) are never
/// touched; a ServiceAccount subject of a namespace that does not exist (yet) is removed like any other.
/// </summary>
/// <remarks>
/// The removal never costs a subject that is needed. The binding is read first and the namespaces listed after it
/// (<see cref="NamespaceNames"/>). A subject in the binding was added while a pod of its namespace was admitted, so its
/// namespace existed before the list began; only a namespace deleted since (a Terminating one is still listed) is
/// missing. The update carries the binding's resourceVersion: a subject added since the read makes it conflict, and the
/// retry removes no more than that first list showed gone (the new subject may be of a namespace created after it).
/// A namespace shown gone may be created again before the update lands, and a pod of it admitted by a replica that
/// found its account in the binding and so wrote nothing: after an update that removed subjects, the namespaces are
/// listed once more and any that exists again gets its subject back. A binding that needs no new subject is only read,
/// as before: nothing is removed until the next account is added.
/// </remarks>
public sealed class NodeBindingSubjects(IKubernetes client, TimeProvider timeProvider, CancellationToken cancellationToken)
{
    /// <summary>Updates of the shared binding tried before a 409 Conflict is a failure: each conflict means another replica's update went in.</summary>
    private const int ConflictAttempts = 8;

    private readonly NamespaceNames namespaces = new(client, timeProvider, cancellationToken);

    /// <summary>
    /// Makes the account a subject of the binding <paramref name="name"/> to <paramref name="clusterRole"/>: get it, add
    /// the subject if missing (dropping the ServiceAccounts of namespaces that are gone), update with the resourceVersion
    /// read, and again from the get after a 409 Conflict (webhook replicas race). A binding that is missing, refers to
    /// another role or may not be read or updated is a <see cref="NodeBindingWrite.Problem"/>, none of which keeps the pod
    /// from working; namespaces that cannot be listed leave the old subjects in place (<see cref="NodeBindingWrite.PruneProblem"/>);
    /// any other failure of the get or the update throws <see cref="RbacApiException"/>.
    /// </summary>
    public async Task<NodeBindingWrite> EnsureAsync(string name, string clusterRole, string @namespace, string serviceAccount)
    {
        var account = $"ServiceAccount {@namespace}/{serviceAccount}";
        var unreadNode = $"so {account} cannot read its node and drain-aware handover is off for its electors (the pod is admitted)";
        List<Rbacv1Subject>? outside = null; // of the first read, the accounts whose namespace the list did not show
        PruneProblem? listProblem = null;
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
                    $"ClusterRoleBinding {name} does not exist, {unreadNode}; apply deploy/ of this version, which installs it (bound to ClusterRole {clusterRole}, no subjects)"));
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
                    $"ClusterRoleBinding {name} refers to {binding.RoleRef?.Kind} {binding.RoleRef?.Name}, not ClusterRole {clusterRole}, so the webhook adds no subject to it, {unreadNode}; " +
                    "delete it and apply deploy/ again"));
            }

            var subject = Subject(@namespace, serviceAccount);
            if (binding.Subjects?.Any(s => Same(s, subject)) == true)
            {
                return NodeBindingWrite.Unchanged;
            }

            // Listed once, after the first read: a retry after a conflict removes no more than that list showed gone
            // (a subject added since may be of a namespace created after it), and pays for no second list.
            if (outside is null)
            {
                (var live, listProblem) = await namespaces.ListAsync(name).ConfigureAwait(false);
                outside = live is null ? [] : [.. (binding.Subjects ?? []).Where(s => LiveNamespaces.IsAccountOutside(s, live))];
            }

            var removed = (binding.Subjects ?? []).Where(s => outside.Any(o => Same(o, s))).ToList();
            binding.Subjects = [.. (binding.Subjects ?? []).Where(s => !removed.Contains(s)), subject];
            try
            {
                await ReplaceAsync(binding, name).ConfigureAwait(false);
                if (removed.Count == 0)
                {
                    return new NodeBindingWrite(true, [], null, listProblem);
                }

                var (gone, pruneProblem) = await PutBackReappearedAsync(name, removed).ConfigureAwait(false);
                return new NodeBindingWrite(true, [.. gone.Select(Describe)], null, pruneProblem);
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
                $"cannot {verb} ClusterRoleBinding {name}: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"{verb}\" on clusterrolebindings {name}{also}, {unreadNode}; " +
                $"apply deploy/ of this version ({ApiStatusMessage.Of(e)})");
        }
    }

    /// <summary>
    /// After an update removed <paramref name="removed"/>: lists the namespaces again and puts back the subjects whose
    /// namespace exists again (all of them when the list fails, since none can be confirmed gone). Returns those that
    /// stay removed, and why any could not be put back (or confirmed).
    /// </summary>
    /// <remarks>
    /// The account is added by now, so nothing here denies the pod: a failure, or the end of the provisioning's time
    /// (<see cref="ProvisioningOptions.Timeout"/>) while it lists or writes, is a <see cref="PruneProblem.NotPutBack"/>.
    /// </remarks>
    private async Task<(IReadOnlyList<Rbacv1Subject> Gone, PruneProblem? Problem)> PutBackReappearedAsync(string name, List<Rbacv1Subject> removed)
    {
        var back = removed;
        var gone = new List<Rbacv1Subject>();
        PruneProblem? listProblem = null;
        for (var attempt = 1; back.Count > 0; attempt++)
        {
            try
            {
                if (attempt == 1)
                {
                    (var live, listProblem) = await namespaces.ListAsync(name).ConfigureAwait(false);
                    back = [.. removed.Where(s => live is null || !LiveNamespaces.IsAccountOutside(s, live))];
                    gone = [.. removed.Where(s => !back.Contains(s))];
                    if (back.Count == 0)
                    {
                        break;
                    }
                }

                var binding = await client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                var missing = back.Where(s => binding.Subjects?.Any(b => Same(b, s)) != true).ToList();
                if (missing.Count == 0)
                {
                    break;
                }

                binding.Subjects = [.. binding.Subjects ?? [], .. missing];
                await ReplaceAsync(binding, name).ConfigureAwait(false);
                break;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictAttempts)
            {
                // Another replica updated it since the get: read it again.
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
            {
                var error = e switch
                {
                    HttpOperationException http => $"the Kubernetes API answered {(int)http.Response.StatusCode} {http.Response.StatusCode} ({ApiStatusMessage.Of(http)})",
                    OperationCanceledException => "the provisioning's time (Provisioning:Timeout) ran out",
                    _ => ErrorText.Of(e),
                };
                return (gone, new PruneProblem(PruneProblem.NotPutBack,
                    $"removed {string.Join(", ", back.Select(Describe))} from ClusterRoleBinding {name}, and putting {(back.Count == 1 ? "it" : "them")} back " +
                    $"(a namespace of that name exists again, or the namespaces could not be listed) failed: {error}; until a pod of such an account is admitted after " +
                    "Provisioning:CacheTtl its electors cannot read their node (drain-aware handover off): kubectl rollout restart their workloads"));
            }
        }

        return (gone, listProblem);
    }

    /// <summary>An update carrying the resourceVersion read: a 409 Conflict when someone wrote in between.</summary>
    private Task ReplaceAsync(V1ClusterRoleBinding binding, string name)
    {
        // The AOT client cannot serialize managedFields (untyped JSON); omitted, the API server keeps them.
        binding.Metadata.ManagedFields = null;
        return client.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(binding, name, cancellationToken: cancellationToken);
    }

    private static bool Same(Rbacv1Subject a, Rbacv1Subject b) => a.Kind == b.Kind && a.Name == b.Name && a.NamespaceProperty == b.NamespaceProperty;

    private static Rbacv1Subject Subject(string @namespace, string serviceAccount) => new() { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = @namespace };

    private static string Describe(Rbacv1Subject subject) => $"{subject.NamespaceProperty}/{subject.Name}";
}

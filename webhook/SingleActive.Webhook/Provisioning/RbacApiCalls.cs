using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// The individual API calls of provisioning, each turning a failure into a message that says which
/// object, which verb and what the API server answered — a 403 says which permission the webhook lacks
/// (worded by <see cref="RbacApiFailure"/>).
/// </summary>
public sealed class RbacApiCalls(IKubernetes client, CancellationToken cancellationToken)
{
    private static readonly Dictionary<string, string> ManagedLabels = new()
    {
        [ElectorRbacNames.ManagedByLabel] = ElectorRbacNames.ManagedByValue,
    };

    private static readonly TimeSpan TokenSecretPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>True when created, false when it already existed.</summary>
    public async Task<bool> CreateServiceAccountAsync(string @namespace, string name)
    {
        var account = new V1ServiceAccount
        {
            ApiVersion = "v1",
            Kind = "ServiceAccount",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = new Dictionary<string, string>(ManagedLabels) },
        };
        try
        {
            await client.CoreV1.CreateNamespacedServiceAccountAsync(account, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            throw RbacApiFailure.Of("create", "ServiceAccount", "serviceaccounts", @namespace, name, e);
        }
    }

    /// <summary>
    /// Polls the account until the token controller has listed a token Secret in it (servers before 1.21
    /// reject pods of an account without one). False when <paramref name="wait"/> passed first.
    /// </summary>
    public async Task<bool> WaitForTokenSecretAsync(string @namespace, string name, TimeSpan wait, TimeProvider timeProvider)
    {
        var started = timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                var account = await client.CoreV1.ReadNamespacedServiceAccountAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (account.Secrets is { Count: > 0 })
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                throw RbacApiFailure.Of("get", "ServiceAccount", "serviceaccounts", @namespace, name, e);
            }

            if (timeProvider.GetElapsedTime(started) >= wait)
            {
                return false;
            }

            await Task.Delay(TokenSecretPollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates the binding; when one of that name exists it must point at the same ClusterRole (roleRef is
    /// immutable) and gets the account added to its subjects if missing. True when anything was written.
    /// </summary>
    public async Task<bool> EnsureRoleBindingAsync(string @namespace, string name, string clusterRole, string serviceAccount)
    {
        var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = @namespace };
        var binding = new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = new Dictionary<string, string>(ManagedLabels) },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterRole },
            Subjects = [subject],
        };
        try
        {
            await client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(binding, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Exists: check it below.
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            throw RbacApiFailure.Of("create", "RoleBinding", "rolebindings", @namespace, name, e, $" (and \"bind\" on ClusterRole {clusterRole})");
        }

        V1RoleBinding existing;
        try
        {
            existing = await client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            throw RbacApiFailure.Of("get", "RoleBinding", "rolebindings", @namespace, name, e);
        }

        if (existing.RoleRef is not { Kind: "ClusterRole" } roleRef || roleRef.Name != clusterRole)
        {
            throw new RbacApiException(
                $"RoleBinding {@namespace}/{name} already exists but refers to {existing.RoleRef?.Kind} {existing.RoleRef?.Name}, not ClusterRole {clusterRole}; " +
                "delete it so the single-active webhook can create it");
        }

        if (existing.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && (s.NamespaceProperty ?? @namespace) == @namespace) == true)
        {
            return false;
        }

        existing.Subjects = [.. existing.Subjects ?? [], subject];
        // The AOT client cannot serialize managedFields (untyped JSON); omitted, the API server keeps them.
        existing.Metadata.ManagedFields = null;
        try
        {
            await client.RbacAuthorizationV1.ReplaceNamespacedRoleBindingAsync(existing, name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            throw RbacApiFailure.Of("update", "RoleBinding", "rolebindings", @namespace, name, e);
        }
    }
}

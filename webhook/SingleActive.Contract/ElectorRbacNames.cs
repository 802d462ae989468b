using System.Security.Cryptography;
using System.Text;

namespace SingleActive.Contract;

/// <summary>Names and labels of the elector RBAC the webhook provisions (the ClusterRoles themselves live in deploy/); `kubectl single-active doctor` checks them.</summary>
public static class ElectorRbacNames
{
    public const string ElectorClusterRole = "single-active-elector";
    public const string LabelClusterRole = "single-active-elector-label";
    /// <summary>
    /// Read-only on nodes (cluster-scoped, so bound by a ClusterRoleBinding): each elector watches its own node to hand
    /// over before a drain. One binding, <see cref="NodeClusterRoleBinding"/>, whose subjects the webhook keeps.
    /// </summary>
    public const string NodeClusterRole = "single-active-elector-node";

    /// <summary>The ClusterRoleBinding to <see cref="NodeClusterRole"/>, installed by deploy/ without subjects; the webhook adds each elector ServiceAccount.</summary>
    public const string NodeClusterRoleBinding = "single-active-elector-node";

    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "single-active";

    /// <summary>The ClusterRoles a ServiceAccount of the given mode is bound to.</summary>
    public static IReadOnlyList<string> ClusterRolesFor(ElectorMode mode) =>
        mode == ElectorMode.Label ? [ElectorClusterRole, LabelClusterRole] : [ElectorClusterRole];

    /// <summary>
    /// <c>&lt;clusterRole&gt;-&lt;serviceAccount&gt;</c>; when that would exceed 253 characters the account part is
    /// shortened and a hash of the full name keeps it unique.
    /// </summary>
    public static string RoleBindingName(string clusterRole, string serviceAccount)
    {
        var name = $"{clusterRole}-{serviceAccount}";
        if (name.Length <= KubernetesNames.MaxSubdomainLength)
        {
            return name;
        }

        var hash = Hash(serviceAccount);
        var keep = KubernetesNames.MaxSubdomainLength - clusterRole.Length - hash.Length - 2;
        return $"{clusterRole}-{serviceAccount[..keep].TrimEnd('-', '.')}-{hash}";
    }

    /// <summary>
    /// The ClusterRoleBinding to <see cref="NodeClusterRole"/> that <c>single-active-webhook inject</c> writes for one
    /// account, since offline output cannot add it to <see cref="NodeClusterRoleBinding"/>:
    /// <c>single-active-elector-node:&lt;namespace&gt;:&lt;serviceAccount&gt;</c>. When that would exceed 253 characters
    /// the account part is shortened and a hash of namespace and account keeps it unique.
    /// </summary>
    public static string NodeClusterRoleBindingName(string @namespace, string serviceAccount)
    {
        var name = $"{NodeClusterRoleBinding}:{@namespace}:{serviceAccount}";
        if (name.Length <= KubernetesNames.MaxSubdomainLength)
        {
            return name;
        }

        var hash = Hash($"{@namespace}:{serviceAccount}");
        var keep = KubernetesNames.MaxSubdomainLength - NodeClusterRoleBinding.Length - @namespace.Length - hash.Length - 3;
        return $"{NodeClusterRoleBinding}:{@namespace}:{serviceAccount[..keep].TrimEnd('-', '.')}-{hash}";
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
}

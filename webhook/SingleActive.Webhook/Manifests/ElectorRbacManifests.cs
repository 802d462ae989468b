using System.Text.Json.Nodes;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// The ServiceAccounts and RoleBindings the webhook's provisioner would create, as manifests: the same
/// names, ClusterRoles and labels, so offline-injected and webhook-injected workloads share them. The node
/// read the webhook grants by adding the account to the shared ClusterRoleBinding
/// <see cref="ElectorRbacNames.NodeClusterRoleBinding"/> cannot be written offline (applying a manifest of that
/// binding would replace its subjects), so each account gets a ClusterRoleBinding of its own to the same ClusterRole.
/// </summary>
public static class ElectorRbacManifests
{
    public static IReadOnlyList<JsonNode> Render(IEnumerable<ServiceAccountRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var documents = new List<JsonNode>();
        var accounts = requests
            .GroupBy(r => (r.Namespace, r.ServiceAccountName))
            .OrderBy(g => g.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ServiceAccountName, StringComparer.Ordinal);
        foreach (var account in accounts)
        {
            var (ns, name) = account.Key;
            if (account.Any(r => r.CreateServiceAccount))
            {
                documents.Add(KubernetesObjectJson.ToNode(new V1ServiceAccount
                {
                    ApiVersion = "v1",
                    Kind = "ServiceAccount",
                    Metadata = Metadata(name, ns),
                }));
            }

            var roles = account.SelectMany(r => ElectorRbacNames.ClusterRolesFor(r.Mode)).Distinct(StringComparer.Ordinal);
            foreach (var role in roles)
            {
                documents.Add(KubernetesObjectJson.ToNode(new V1RoleBinding
                {
                    ApiVersion = "rbac.authorization.k8s.io/v1",
                    Kind = "RoleBinding",
                    Metadata = Metadata(ElectorRbacNames.RoleBindingName(role, name), ns),
                    RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
                    Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
                }));
            }

            documents.Add(KubernetesObjectJson.ToNode(new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "ClusterRoleBinding",
                Metadata = Metadata(ElectorRbacNames.NodeClusterRoleBindingName(ns, name), null),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ElectorRbacNames.NodeClusterRole },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
            }));
        }

        return documents;
    }

    /// <param name="ns">Null for a cluster-scoped object.</param>
    private static V1ObjectMeta Metadata(string name, string? ns) => new()
    {
        Name = name,
        NamespaceProperty = ns,
        Labels = new Dictionary<string, string> { [ElectorRbacNames.ManagedByLabel] = ElectorRbacNames.ManagedByValue },
    };
}

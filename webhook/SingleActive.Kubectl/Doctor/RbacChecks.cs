using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Namespaces;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>The elector RBAC: the ClusterRoles grant what the electors use, and each injected workload's ServiceAccount is bound to them.</summary>
internal static class RbacChecks
{
    private static readonly (string Group, string Resource, string[] Verbs, Severity Severity, string Why)[] ElectorRules =
    [
        ("coordination.k8s.io", "leases", ["get", "list", "watch", "create", "update"], Severity.Error, "the electors cannot campaign for their Lease"),
        ("", "events", ["create"], Severity.Warning, "leadership changes are not recorded as Events"),
        ("", "pods/status", ["patch"], Severity.Error, "a new leader cannot fence the previous one and never turns ready (readiness mode)"),
        ("", "pods", ["get", "list", "watch"], Severity.Warning, "a leader cannot check a handover's target and refuses every directed handover"),
        ("apps", "replicasets", ["get"], Severity.Warning, "during a rollout a leader cannot tell which standbys run the newest template revision"),
        ("apps", "deployments", ["get"], Severity.Warning, "during a rollout a leader cannot tell which standbys run the newest template revision"),
        ("apps", "statefulsets", ["get"], Severity.Warning, "during a rollout a leader cannot tell which standbys run the newest template revision"),
    ];

    /// <summary>What an elector that cannot read its node loses.</summary>
    public const string NoDrainHandover = "drain-aware handover is off: a leader hands over when its pod's deletion starts, not ahead of a drain of its node";

    public static IEnumerable<Finding> Run(ClusterSnapshot snapshot)
    {
        IEnumerable<Finding> roles = snapshot.WasRefused(RefusedReads.ClusterRoles) ? [] : Roles(snapshot);
        IEnumerable<Finding> bindings = snapshot.WasRefused(RefusedReads.ClusterRoleBindings) ? [] : NodeBindings(snapshot);
        return roles.Concat(bindings);
    }

    /// <summary>The elector ClusterRoles: present, and granting what the electors use.</summary>
    private static IEnumerable<Finding> Roles(ClusterSnapshot snapshot)
    {
        var labelMode = snapshot.Namespaces.SelectMany(ns => ns.Workloads).Any(w => w.Workload.Mode == ElectorMode.Label);
        if (!snapshot.ClusterRoles.TryGetValue(ElectorRbacNames.ElectorClusterRole, out var elector))
        {
            yield return new Finding(Severity.Error, "clusterrole/" + ElectorRbacNames.ElectorClusterRole, "not found: no elector can reach its Lease", "apply the ClusterRoles in deploy/base (kubectl apply -k deploy/overlays/...)");
        }
        else
        {
            foreach (var (group, resource, verbs, severity, why) in ElectorRules)
            {
                var missing = verbs.Where(verb => !Allows(elector, group, resource, verb)).ToList();
                if (missing.Count > 0)
                {
                    yield return new Finding(severity, "clusterrole/" + ElectorRbacNames.ElectorClusterRole, $"does not grant {string.Join(", ", missing)} on {resource}: {why}",
                        "apply the ClusterRole that ships with this version (deploy/base/clusterrole-elector.yaml)");
                }
            }
        }

        const string NodeRole = "clusterrole/" + ElectorRbacNames.NodeClusterRole;
        if (!snapshot.ClusterRoles.TryGetValue(ElectorRbacNames.NodeClusterRole, out var node))
        {
            yield return new Finding(Severity.Warning, NodeRole, $"not found: no elector can read its node, so {NoDrainHandover}",
                "apply deploy/base/clusterrole-elector-node.yaml and clusterrolebinding-elector-node.yaml (kubectl apply -k deploy/overlays/...)");
        }
        else if (((string[])["get", "list", "watch"]).Where(verb => !Allows(node, "", "nodes", verb)).ToList() is { Count: > 0 } missing)
        {
            yield return new Finding(Severity.Warning, NodeRole, $"does not grant {string.Join(", ", missing)} on nodes: the electors cannot watch their node, so {NoDrainHandover}",
                "apply the ClusterRole that ships with this version (deploy/base/clusterrole-elector-node.yaml)");
        }

        if (labelMode && !snapshot.ClusterRoles.TryGetValue(ElectorRbacNames.LabelClusterRole, out _))
        {
            yield return new Finding(Severity.Error, "clusterrole/" + ElectorRbacNames.LabelClusterRole, "not found, but label-mode workloads exist: their electors cannot label pods, so their Services have no endpoint",
                "apply deploy/base/clusterrole-elector-label.yaml");
        }
    }

    /// <summary>The ClusterRoleBinding that gives the elector accounts node read, and accounts of deleted namespaces left in it.</summary>
    private static IEnumerable<Finding> NodeBindings(ClusterSnapshot snapshot)
    {
        if (!snapshot.NodeBindings.Any(b => b.Metadata.Name == ElectorRbacNames.NodeClusterRoleBinding))
        {
            yield return new Finding(Severity.Warning, "clusterrolebinding/" + ElectorRbacNames.NodeClusterRoleBinding,
                $"not found (or bound to another role): the webhook cannot add the elector accounts it provisions, so for their electors {NoDrainHandover}",
                "apply deploy/base/clusterrolebinding-elector-node.yaml (kubectl apply -k deploy/overlays/...)");
        }

        foreach (var finding in DeletedNamespaceAccounts(snapshot))
        {
            yield return finding;
        }
    }

    /// <summary>
    /// The node bindings' accounts of namespaces that no longer exist: harmless until a namespace and an account of those
    /// names exist again (then node read). The webhook removes them from its binding the next time it adds an account;
    /// a binding <c>single-active-webhook inject</c> wrote for one account is the user's to delete.
    /// </summary>
    private static IEnumerable<Finding> DeletedNamespaceAccounts(ClusterSnapshot snapshot)
    {
        if (snapshot.AllNamespaces is not { } live)
        {
            yield break;
        }

        foreach (var binding in snapshot.NodeBindings)
        {
            var accounts = (binding.Subjects ?? []).Where(s => s.Kind == "ServiceAccount").ToList();
            var gone = accounts.Where(s => LiveNamespaces.IsAccountOutside(s, live)).Select(s => $"{s.NamespaceProperty}/{s.Name}").ToList();
            if (gone.Count == 0)
            {
                continue;
            }

            var named = string.Join(", ", gone.Take(5)) + (gone.Count > 5 ? $" and {gone.Count - 5} more" : "");
            var subject = "clusterrolebinding/" + binding.Metadata.Name;
            if (binding.Metadata.Name == ElectorRbacNames.NodeClusterRoleBinding)
            {
                yield return new Finding(Severity.Info, subject, $"holds {gone.Count} account(s) of namespaces that no longer exist ({named}): each grants node read to an account of that name should its namespace be created again",
                    $"nothing to do: the webhook removes them the next time it adds an account (or remove them now: kubectl edit clusterrolebinding {ElectorRbacNames.NodeClusterRoleBinding})");
            }
            else if (gone.Count == accounts.Count)
            {
                yield return new Finding(Severity.Info, subject, $"binds only accounts of namespaces that no longer exist ({named}): it grants node read to an account of that name should its namespace be created again",
                    $"kubectl delete clusterrolebinding {binding.Metadata.Name}");
            }
        }
    }

    private static bool Allows(V1ClusterRole role, string group, string resource, string verb) =>
        role.Rules?.Any(rule =>
            (rule.ApiGroups ?? []).Any(g => g == group || g == "*")
            && (rule.Resources ?? []).Any(r => r == resource || r == "*")
            && (rule.Verbs ?? []).Any(v => v == verb || v == "*")) == true;

    public static IEnumerable<Finding> Bindings(ClusterSnapshot snapshot, NamespaceSnapshot ns, string subject, SingleActiveWorkload workload, IReadOnlyList<V1Pod> pods)
    {
        if (pods.FirstOrDefault(p => PodInjectionStatus.StatusOf(p) is not null)?.Spec?.ServiceAccountName is not { Length: > 0 } account)
        {
            yield break; // No injected pod yet: the webhook binds the account when it admits the first.
        }

        foreach (var role in snapshot.WasRefused(RefusedReads.RoleBindings, ns.Name) ? [] : ElectorRbacNames.ClusterRolesFor(workload.Mode))
        {
            var name = ElectorRbacNames.RoleBindingName(role, account);
            var binding = ns.RoleBindings.FirstOrDefault(b => b.Metadata.Name == name);
            if (binding is null || binding.RoleRef?.Name != role || binding.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == account) != true)
            {
                yield return new Finding(Severity.Error, subject, $"ServiceAccount {account} is not bound to ClusterRole {role} (RoleBinding {name}): its electors {(role == ElectorRbacNames.LabelClusterRole ? "cannot label pods" : "cannot reach their Lease")}",
                    $"the webhook creates the binding when it admits a pod, once its provisioning cache (Provisioning:CacheTtl, 10 min by default) has expired: kubectl rollout restart {workload.Reference} -n {ns.Name}; at once: apply the output of single-active-webhook inject");
            }
        }

        // The webhook's shared binding, or the one `inject` writes for this account: either lets it read nodes.
        if (!snapshot.WasRefused(RefusedReads.ClusterRoleBindings) && !snapshot.NodeBindings.Any(b => b.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == ns.Name) == true))
        {
            yield return new Finding(Severity.Warning, subject,
                $"ServiceAccount {account} is not a subject of ClusterRoleBinding {ElectorRbacNames.NodeClusterRoleBinding} (nor of {ElectorRbacNames.NodeClusterRoleBindingName(ns.Name, account)}): its electors cannot read their node, so {NoDrainHandover}",
                $"the webhook adds it when it admits a pod (it logs a warning when it cannot): kubectl rollout restart {workload.Reference} -n {ns.Name} (or apply the output of single-active-webhook inject)");
        }
    }
}

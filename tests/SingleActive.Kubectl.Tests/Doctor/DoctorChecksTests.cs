using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>The node-read checks without a cluster: a workload's account may read its node through either binding to the node role.</summary>
public class DoctorChecksTests
{
    private const string NodeHandoverOff = "drain-aware handover is off";

    [Theory]
    [InlineData(ElectorRbacNames.NodeClusterRoleBinding)]
    [InlineData("single-active-elector-node:shop:single-active-elector")]
    public void Run_AccountInABindingToTheNodeRole_NoNodeFinding(string bindingWithAccount)
    {
        var bindings = new List<V1ClusterRoleBinding> { Binding(ElectorRbacNames.NodeClusterRoleBinding) };
        if (bindingWithAccount == ElectorRbacNames.NodeClusterRoleBinding)
        {
            bindings[0] = Binding(ElectorRbacNames.NodeClusterRoleBinding, ("shop", "single-active-elector"));
        }
        else
        {
            bindings.Add(Binding(bindingWithAccount, ("shop", "single-active-elector")));
        }

        var findings = DoctorChecks.Run(Snapshot(bindings), TestWorkloads.Now);

        Assert.DoesNotContain(findings, f => f.Problem.Contains(NodeHandoverOff, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_AccountInNoBindingToTheNodeRole_WarnsNamingBothBindings()
    {
        var findings = DoctorChecks.Run(Snapshot([Binding(ElectorRbacNames.NodeClusterRoleBinding, ("other", "single-active-elector"))]), TestWorkloads.Now);

        var finding = Assert.Single(findings, f => f.Problem.Contains(NodeHandoverOff, StringComparison.Ordinal));
        Assert.Equal((Severity.Warning, "shop/deployment/web"), (finding.Severity, finding.Subject));
        Assert.Equal(
            "ServiceAccount single-active-elector is not a subject of ClusterRoleBinding single-active-elector-node (nor of single-active-elector-node:shop:single-active-elector): " +
            "its electors cannot read their node, so drain-aware handover is off: a leader hands over when its pod's deletion starts, not ahead of a drain of its node",
            finding.Problem);
    }

    [Fact]
    public void Run_NoNodeRoleNorSharedBinding_WarnsForEach()
    {
        var snapshot = Snapshot([]) with { ClusterRoles = new Dictionary<string, V1ClusterRole> { [ElectorRbacNames.ElectorClusterRole] = ElectorRole() } };

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now);

        Assert.Contains(findings, f => f is { Severity: Severity.Warning, Subject: "clusterrole/single-active-elector-node" } && f.Problem.StartsWith("not found: no elector can read its node", StringComparison.Ordinal));
        Assert.Contains(findings, f => f is { Severity: Severity.Warning, Subject: "clusterrolebinding/single-active-elector-node" } && f.Problem.StartsWith("not found (or bound to another role)", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ElectorRoleWithoutWorkloadReads_WarnsOncePerResource()
    {
        var role = ElectorRole();
        role.Rules = [.. role.Rules.Where(r => r.ApiGroups[0] != "apps")];
        var snapshot = Snapshot([Binding(ElectorRbacNames.NodeClusterRoleBinding, ("shop", "single-active-elector"))]) with
        {
            ClusterRoles = new Dictionary<string, V1ClusterRole> { [ElectorRbacNames.ElectorClusterRole] = role, [ElectorRbacNames.NodeClusterRole] = NodeRole() },
        };

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Subject == "clusterrole/single-active-elector").ToList();

        Assert.Equal(["replicasets", "deployments", "statefulsets"], findings.Select(f => f.Problem.Split(' ')[5].TrimEnd(':')));
        Assert.All(findings, f => Assert.Equal(Severity.Warning, f.Severity));
    }

    /// <summary>
    /// Accounts of deleted namespaces in the node bindings: said (info) for the webhook's binding, which drops them the
    /// next time it adds an account, and for a binding `inject` wrote that binds nothing else; not said when the
    /// namespaces could not be listed.
    /// </summary>
    [Fact]
    public void Run_NodeBindingsWithAccountsOfDeletedNamespaces_InfoForEach()
    {
        List<V1ClusterRoleBinding> bindings =
        [
            Binding(ElectorRbacNames.NodeClusterRoleBinding, ("shop", "single-active-elector"), ("preview-17", "single-active-elector"), ("preview-18", "worker")),
            Binding("single-active-elector-node:preview-17:app", ("preview-17", "app")),
            Binding("single-active-elector-node:shop:app", ("shop", "app")),
        ];
        var snapshot = Snapshot(bindings) with { AllNamespaces = new HashSet<string> { "shop", "default" } };

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now).Where(f => f.Problem.Contains("no longer exist", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, findings.Count);
        Assert.Equal(
            new Finding(Severity.Info, "clusterrolebinding/single-active-elector-node",
                "holds 2 account(s) of namespaces that no longer exist (preview-17/single-active-elector, preview-18/worker): each grants node read to an account of that name should its namespace be created again",
                "nothing to do: the webhook removes them the next time it adds an account (or remove them now: kubectl edit clusterrolebinding single-active-elector-node)"),
            findings[0]);
        Assert.Equal(
            new Finding(Severity.Info, "clusterrolebinding/single-active-elector-node:preview-17:app",
                "binds only accounts of namespaces that no longer exist (preview-17/app): it grants node read to an account of that name should its namespace be created again",
                "kubectl delete clusterrolebinding single-active-elector-node:preview-17:app"),
            findings[1]);
        Assert.DoesNotContain(DoctorChecks.Run(snapshot with { AllNamespaces = null }, TestWorkloads.Now), f => f.Problem.Contains("no longer exist", StringComparison.Ordinal));
    }

    private static ClusterSnapshot Snapshot(IReadOnlyList<V1ClusterRoleBinding> nodeBindings)
    {
        var workload = TestWorkloads.Workload();
        var pods = new List<V1Pod> { TestWorkloads.Pod("web-0", "node-a", true) };
        var binding = new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = ElectorRbacNames.RoleBindingName(ElectorRbacNames.ElectorClusterRole, "single-active-elector") },
            RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = ElectorRbacNames.ElectorClusterRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "single-active-elector", NamespaceProperty = "shop" }],
        };
        return new ClusterSnapshot(
            new Version(1, 30),
            null,
            new Dictionary<string, V1ClusterRole> { [ElectorRbacNames.ElectorClusterRole] = ElectorRole(), [ElectorRbacNames.NodeClusterRole] = NodeRole() },
            nodeBindings,
            [],
            [new NamespaceSnapshot("shop", [binding], [], [], [(workload, pods)], [], [])]);
    }

    private static V1ClusterRoleBinding Binding(string name, params (string Namespace, string Name)[] accounts) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ElectorRbacNames.NodeClusterRole },
        Subjects = accounts.Length == 0 ? null : [.. accounts.Select(a => new Rbacv1Subject { Kind = "ServiceAccount", Name = a.Name, NamespaceProperty = a.Namespace })],
    };

    private static V1ClusterRole NodeRole() => new()
    {
        Metadata = new V1ObjectMeta { Name = ElectorRbacNames.NodeClusterRole },
        Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["get", "list", "watch"] }],
    };

    private static V1ClusterRole ElectorRole() => new()
    {
        Metadata = new V1ObjectMeta { Name = ElectorRbacNames.ElectorClusterRole },
        Rules =
        [
            new V1PolicyRule { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], Verbs = ["get", "list", "watch", "create", "update"] },
            new V1PolicyRule { ApiGroups = [""], Resources = ["events"], Verbs = ["create", "patch"] },
            new V1PolicyRule { ApiGroups = [""], Resources = ["pods/status"], Verbs = ["patch"] },
            new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list", "watch"] },
            new V1PolicyRule { ApiGroups = ["apps"], Resources = ["replicasets", "deployments", "statefulsets"], Verbs = ["get"] },
        ],
    };
}

using k8s.Models;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>
/// Doctor run by a user the API server refuses some reads (a namespace's view role): a refused read is reported once,
/// naming what went unchecked and the role that grants it, and is never taken for an absent object.
/// </summary>
public class RefusedReadsTests
{
    private const string Said = "forbidden: User \"dev\" cannot list resource";

    [Fact]
    public void Run_EveryRbacAndClusterScopedReadRefused_WarningsOnlyNoNotFoundOrUnbound()
    {
        var snapshot = Snapshot(
            new RefusedRead(RefusedReads.WebhookConfigurations, null, Said), new RefusedRead(RefusedReads.ClusterRoles, null, Said),
            new RefusedRead(RefusedReads.ClusterRoleBindings, null, Said), new RefusedRead(RefusedReads.Nodes, null, Said), new RefusedRead(RefusedReads.Namespaces, null, Said),
            new RefusedRead(RefusedReads.RoleBindings, "shop", Said));

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now);

        Assert.DoesNotContain(findings, f => f.Severity == Severity.Error);
        Assert.DoesNotContain(findings, f => f.Problem.Contains("not found", StringComparison.Ordinal) || f.Problem.Contains("not a subject", StringComparison.Ordinal));
        Assert.Equal(
            ["clusterrolebindings", "clusterroles", "mutatingwebhookconfigurations", "namespaces", "nodes", "shop/rolebindings"],
            findings.Where(f => f.Problem.StartsWith("not checked: ", StringComparison.Ordinal)).Select(f => f.Subject).Order(StringComparer.Ordinal));
        var webhook = Assert.Single(findings, f => f.Subject == "mutatingwebhookconfigurations");
        Assert.Equal(Severity.Warning, webhook.Severity);
        Assert.Equal($"not checked: the webhook configuration (its scope, failure policy and CA certificate, and the replicas behind it); the API server refused the read: {Said}", webhook.Problem);
        Assert.Equal("run doctor as a cluster admin, or have one let you read them: kubectl create clusterrolebinding single-active-doctor-YOU --clusterrole=single-active-doctor --user=YOU", webhook.Fix);
    }

    [Fact]
    public void Run_NamespaceRoleBindingsAndLeasesRefused_NoUnboundErrorAndTheFixIsARoleBindingThere()
    {
        var snapshot = Snapshot(new RefusedRead(RefusedReads.RoleBindings, "shop", Said), new RefusedRead(RefusedReads.Leases, "shop", Said));

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now);

        Assert.DoesNotContain(findings, f => f.Problem.Contains("is not bound to ClusterRole", StringComparison.Ordinal));
        var leases = Assert.Single(findings, f => f.Subject == "shop/leases");
        Assert.Equal($"not checked: whether failover is paused, and whether an elector the NetworkPolicies cut off renews its Lease all the same; the API server refused the read: {Said}", leases.Problem);
        Assert.Equal("have a cluster admin let you read them there: kubectl create rolebinding single-active-doctor-YOU --clusterrole=single-active-doctor --user=YOU -n shop " +
            "(or everywhere: kubectl create clusterrolebinding single-active-doctor-YOU --clusterrole=single-active-doctor --user=YOU)", leases.Fix);
        Assert.Single(findings, f => f.Subject == "shop/rolebindings");
    }

    [Fact]
    public void Run_LeasesRefusedInSeveralNamespaces_OneWarningNamingThemAndTheClusterWideBinding()
    {
        var snapshot = Snapshot(new RefusedRead(RefusedReads.Leases, "shop", Said), new RefusedRead(RefusedReads.Leases, "billing", Said));

        var leases = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.StartsWith("not checked: ", StringComparison.Ordinal));

        Assert.Equal("leases", leases.Subject);
        Assert.EndsWith("(refused in 2 namespaces: shop, billing)", leases.Problem, StringComparison.Ordinal);
        Assert.Equal("have a cluster admin let you read them: kubectl create clusterrolebinding single-active-doctor-YOU --clusterrole=single-active-doctor --user=YOU", leases.Fix);
    }

    /// <summary>Without the nodes a one-node cluster cannot be told from a crowded node: no placement warning, only the refusal's.</summary>
    [Fact]
    public void Run_NodesRefusedAllReplicasOnOneNode_NoPlacementWarning()
    {
        var pods = new List<V1Pod> { TestWorkloads.Pod("web-0", "node-a", true), TestWorkloads.Pod("web-1", "node-a", true) };
        var snapshot = Snapshot(new RefusedRead(RefusedReads.Nodes, null, Said)) with
        {
            Namespaces = [new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), pods)], [], [])],
        };

        Assert.DoesNotContain(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.Contains("replicas run on node", StringComparison.Ordinal));
        Assert.Contains(DoctorChecks.Run(snapshot with { Refused = [] }, TestWorkloads.Now), f => f.Problem.Contains("replicas run on node", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_SameSnapshotReadable_TheSkippedChecksReport()
    {
        // The control: what the refusals hid is there to find when the reads succeed (nothing here is configured).
        var findings = DoctorChecks.Run(Snapshot(), TestWorkloads.Now);

        Assert.Contains(findings, f => f.Subject == "mutatingwebhookconfiguration/single-active-webhook" && f.Problem.StartsWith("not found", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Subject == "clusterrole/single-active-elector" && f.Problem.StartsWith("not found", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Problem.Contains("is not bound to ClusterRole", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Problem.Contains("not a subject", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Problem.StartsWith("not checked: ", StringComparison.Ordinal));
    }

    /// <summary>One injected pod of shop/web whose account has no RoleBinding and no node binding, and no cluster objects: each read's absence is a finding unless refused.</summary>
    private static ClusterSnapshot Snapshot(params RefusedRead[] refused) => new(
        new Version(1, 30),
        null,
        new Dictionary<string, V1ClusterRole>(),
        [],
        [],
        [new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), [TestWorkloads.Pod("web-0", "node-a", true)])], [], [])],
        Refused: refused);
}

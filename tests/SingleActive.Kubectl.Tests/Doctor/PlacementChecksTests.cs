using k8s.Models;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>doctor: a workload's replicas all on one node, or all in one zone of a cluster that spans several.</summary>
public class PlacementChecksTests
{
    [Fact]
    public void Run_AllReplicasOnOneNode_WarnsWithTheSpreadFix()
    {
        var pods = new[] { TestWorkloads.Pod("web-0", "node-a", true), TestWorkloads.Pod("web-1", "node-a", true), TestWorkloads.Pod("web-2", "node-a", false) };

        var finding = Assert.Single(Findings(pods, []));

        Assert.Equal((Severity.Warning, "shop/deployment/web"), (finding.Severity, finding.Subject));
        Assert.Equal("all 3 replicas run on node node-a: a failure of that node stops the leader and every standby at once, and its drain has no standby elsewhere to hand over to", finding.Problem);
        Assert.Equal(
            "spread them: give the pod template a topologySpreadConstraint on kubernetes.io/hostname (maxSkew: 1, whenUnsatisfiable: ScheduleAnyway, its labelSelector the workload's) or a preferred podAntiAffinity; the template change replaces the pods",
            finding.Fix);
    }

    [Fact]
    public void Run_AllReplicasInOneOfTwoZones_InfoNamingTheZone()
    {
        var pods = new[] { TestWorkloads.Pod("web-0", "node-a", true), TestWorkloads.Pod("web-1", "node-b", true) };
        var nodes = new[] { Node("node-a", "eu-1a"), Node("node-b", "eu-1a"), Node("node-c", "eu-1b") };

        var finding = Assert.Single(Findings(pods, nodes));

        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("all 2 replicas run in zone eu-1a, of the 2 zones its nodes span: an outage of that zone stops the leader and every standby at once", finding.Problem);
        Assert.Contains("topologySpreadConstraint on topology.kubernetes.io/zone", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-a", "node-b", null)] // two nodes, no zones known
    [InlineData("node-a", "node-c", "eu-1a")] // two zones
    [InlineData("node-a", "", null)] // one not scheduled yet: it may land elsewhere
    public void Run_SpreadOrNotYetScheduled_NoFinding(string first, string second, string? zone)
    {
        var pods = new[] { TestWorkloads.Pod("web-0", first, true), TestWorkloads.Pod("web-1", second, true) };
        var nodes = zone is null ? Array.Empty<V1Node>() : [Node("node-a", zone), Node("node-b", zone), Node("node-c", "eu-1b")];

        Assert.Empty(Findings(pods, nodes));
    }

    [Fact]
    public void Run_OneNodeCluster_NoFindingWhereThereIsNowhereElse()
    {
        var pods = new[] { TestWorkloads.Pod("web-0", "node-a", true), TestWorkloads.Pod("web-1", "node-a", true) };

        Assert.Empty(Findings(pods, [new V1Node { Metadata = new V1ObjectMeta { Name = "node-a" } }]));
    }

    /// <summary>Pods of another workload whose selector overlaps (a canary Deployment's ReplicaSet) are not this workload's replicas.</summary>
    [Fact]
    public void Run_OtherWorkloadsPodOnAnotherNode_NotCountedAsASpread()
    {
        var own = TestWorkloads.Pod("web-5d9c7-a", "node-a", true);
        Controlled(own, "web-5d9c7", "5d9c7");
        var own2 = TestWorkloads.Pod("web-5d9c7-b", "node-a", false);
        Controlled(own2, "web-5d9c7", "5d9c7");
        var canary = TestWorkloads.Pod("web-canary-77f-c", "node-b", true);
        Controlled(canary, "web-canary-77f", "77f");

        Assert.Contains("all 2 replicas run on node node-a", Assert.Single(Findings([own, own2, canary], [])).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OneRunningReplicaBesideFinishedAndDeletedOnes_NoFinding()
    {
        var finished = TestWorkloads.Pod("web-1", "node-a", null);
        finished.Status.Phase = "Failed";
        var deleting = TestWorkloads.Pod("web-2", "node-a", true);
        deleting.Metadata.DeletionTimestamp = TestWorkloads.Now.UtcDateTime;

        Assert.Empty(Findings([TestWorkloads.Pod("web-0", "node-a", true), finished, deleting], []));
    }

    private static List<Finding> Findings(IReadOnlyList<V1Pod> pods, IReadOnlyList<V1Node> nodes)
    {
        var snapshot = new ClusterSnapshot(new Version(1, 30), null, new Dictionary<string, V1ClusterRole>(), [], nodes, []);
        var ns = new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), pods)], [], []);
        return [.. PlacementChecks.Run(snapshot, ns, "shop/deployment/web", TestWorkloads.Workload(), pods)];
    }

    private static void Controlled(V1Pod pod, string replicaSet, string hash)
    {
        pod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = replicaSet, Uid = replicaSet, Controller = true }];
        pod.Metadata.Labels = new Dictionary<string, string> { ["pod-template-hash"] = hash };
    }

    private static V1Node Node(string name, string zone) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [PlacementChecks.ZoneLabel] = zone } },
    };
}

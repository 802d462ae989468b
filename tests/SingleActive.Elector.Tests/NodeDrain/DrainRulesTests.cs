using System.Text.Json.Nodes;
using SingleActive.Elector.NodeDrain;

namespace SingleActive.Elector.Tests.NodeDrain;

public sealed class DrainRulesTests
{
    [Theory]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{"unschedulable":true}}""", true, "node n1 is cordoned (spec.unschedulable)")]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","value":"1732900000","effect":"NoSchedule"}]}}""", true, "node n1 has the drain taint ToBeDeletedByClusterAutoscaler=1732900000:NoSchedule")]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"karpenter.sh/disruption","value":"disrupting","effect":"NoSchedule"}]}}""", true, "node n1 has the drain taint karpenter.sh/disruption=disrupting:NoSchedule")]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"karpenter.sh/disruption","value":"candidate","effect":"NoSchedule"}]}}""", false, "node n1 is schedulable")]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule"}]}}""", true, "node n1 has the drain taint node.kubernetes.io/unschedulable:NoSchedule")]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"DeletionCandidateOfClusterAutoscaler","value":"1","effect":"PreferNoSchedule"}]}}""", false, "node n1 is schedulable")]
    [InlineData("""{"metadata":{"name":"n1"},"spec":{}}""", false, "node n1 is schedulable")]
    public void Default_CordonAndTheDrainTaintsOfKubectlTheAutoscalerAndKarpenter(string node, bool draining, string reason)
    {
        var state = DrainRules.Default.Evaluate(NodeSnapshot.From(JsonNode.Parse(node)!.AsObject(), removed: false));

        Assert.Equal(new NodeDrainState(draining, reason), state);
    }

    /// <summary>
    /// The node lifecycle controller's taint for a node whose kubelet stopped reporting counts whatever the configured
    /// list says (it marks the pods there not ready: a leader there serves nothing), before a cordon, any effect, and
    /// with one reason for both effects. Its not-ready taint (the kubelet itself reports the node not ready, often for
    /// moments, and keeps its pods ready) does not.
    /// </summary>
    [Theory]
    [InlineData("node.kubernetes.io/unreachable", "NoExecute", true)]
    [InlineData("node.kubernetes.io/unreachable", "NoSchedule", true)]
    [InlineData("node.kubernetes.io/not-ready", "NoSchedule", false)]
    [InlineData("node.kubernetes.io/not-ready", "NoExecute", false)]
    public void Evaluate_UnreachableNode_CountsWhateverTheListSays(string key, string effect, bool unreachable)
    {
        var node = new NodeSnapshot("n1", Unschedulable: false, [new NodeTaint("example.com/other", null, "NoSchedule"), new NodeTaint(key, null, effect)]);
        var custom = DrainRules.Parse("example.com/maintenance", out _)!;

        var expected = unreachable
            ? new NodeDrainState(true, "node n1 is unreachable (its kubelet stopped reporting: taint node.kubernetes.io/unreachable), so the pods on it are marked not ready", Unreachable: true)
            : NodeDrainState.Schedulable("n1");
        Assert.All([DrainRules.Default, custom], rules => Assert.Equal(expected, rules.Evaluate(node)));
        Assert.Equal(unreachable, DrainRules.Default.Evaluate(node with { Unschedulable = true }).Unreachable);
    }

    [Fact]
    public void Parse_KeysAndKeyValues_MatchOnlyThose()
    {
        var list = DrainRules.Parse(" example.com/maintenance , drain=soon", out var error)!;

        Assert.Null(error);
        Assert.Equal("example.com/maintenance,drain=soon", list.ToString());
        Assert.True(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("example.com/maintenance", "x", "NoExecute")])).Draining);
        Assert.True(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("drain", "soon", "NoSchedule")])).Draining);
        Assert.False(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("drain", "later", "NoSchedule")])).Draining);
        Assert.False(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("ToBeDeletedByClusterAutoscaler", null, "NoSchedule")])).Draining);
    }

    [Fact]
    public void Parse_NotATaintList_NamesEachBadEntry()
    {
        Assert.Null(DrainRules.Parse("a,,bad key", out var error));
        Assert.Equal("entry 2 is empty; \"bad key\": \"bad key\" is not a valid taint key", error);
    }
}

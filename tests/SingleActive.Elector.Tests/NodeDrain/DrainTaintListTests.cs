using System.Text.Json.Nodes;
using SingleActive.Elector.NodeDrain;

namespace SingleActive.Elector.Tests.NodeDrain;

public sealed class DrainTaintListTests
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
        var state = DrainTaintList.Default.Evaluate(NodeSnapshot.From(JsonNode.Parse(node)!.AsObject(), removed: false));

        Assert.Equal(new NodeDrainState(draining, reason), state);
    }

    [Fact]
    public void Parse_KeysAndKeyValues_MatchOnlyThose()
    {
        var list = DrainTaintList.Parse(" example.com/maintenance , drain=soon", out var error)!;

        Assert.Null(error);
        Assert.Equal("example.com/maintenance,drain=soon", list.ToString());
        Assert.True(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("example.com/maintenance", "x", "NoExecute")])).Draining);
        Assert.True(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("drain", "soon", "NoSchedule")])).Draining);
        Assert.False(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("drain", "later", "NoSchedule")])).Draining);
        Assert.False(list.Evaluate(new NodeSnapshot("n", false, [new NodeTaint("ToBeDeletedByClusterAutoscaler", null, "NoSchedule")])).Draining);
    }

    [Theory]
    [InlineData("", "\"\" is not a taint key or key=value")]
    [InlineData("a,,b", "\"\" is not a taint key or key=value")]
    [InlineData("bad key", "\"bad key\" is not a taint key or key=value")]
    [InlineData("k=bad value", "\"k=bad value\" is not a taint key or key=value")]
    public void Parse_NotATaintKey_NamesTheEntry(string text, string expected)
    {
        Assert.Null(DrainTaintList.Parse(text, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }
}

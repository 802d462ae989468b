using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.Succession;
using SingleActive.Elector.Tests.Election;

namespace SingleActive.Elector.Tests.Succession;

/// <summary>The successor's node as <see cref="SuccessionPlanner"/> reads it: never a node that drains or is unreachable.</summary>
public sealed class SuccessionPlannerTests
{
    private static readonly NodeDrainState OwnNodeUnreachable = DrainRules.Default.Evaluate(new NodeSnapshot("n1", false, [Unreachable]));

    private static NodeTaint Unreachable => new("node.kubernetes.io/unreachable", null, "NoExecute");

    /// <summary>
    /// The leader's kubelet stopped reporting (its pods are marked not ready, it may still renew): it hands over, and
    /// not to the standby whose node is unreachable too, though that one's elector still says it can take over.
    /// </summary>
    [Fact]
    public async Task PlanAsync_OwnNodeUnreachable_HandsOverToTheStandbyOnAReadyNode()
    {
        var pods = Standbys(("web-1", "n2"), ("web-2", "n3"));
        var nodes = new NodeReads(new NodeSnapshot("n2", false, [Unreachable]), new NodeSnapshot("n3", false, []));

        var plan = await new SuccessionPlanner(pods, new FakeWorkloadRevisions(), nodes, DrainRules.Default, "web-0").PlanAsync(OwnNodeUnreachable, default);

        Assert.True(OwnNodeUnreachable is { Draining: true, Unreachable: true });
        Assert.Equal((SuccessionAction.HandOver, "web-2"), (plan.Action, plan.Target));
        Assert.StartsWith("node n1 is unreachable (its kubelet stopped reporting: taint node.kubernetes.io/unreachable)", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_OnlyStandbyOnAnUnreachableNode_BlockedNamingIt()
    {
        var pods = Standbys(("web-1", "n2"));
        var nodes = new NodeReads(new NodeSnapshot("n2", false, [Unreachable]));

        var plan = await new SuccessionPlanner(pods, new FakeWorkloadRevisions(), nodes, DrainRules.Default, "web-0").PlanAsync(OwnNodeUnreachable, default);

        Assert.Equal(SuccessionAction.Blocked, plan.Action);
        Assert.EndsWith("no standby on another node can take over: pod web-1: node n2 is unreachable (its kubelet stopped reporting: taint node.kubernetes.io/unreachable), so the pods on it are marked not ready", plan.Reason, StringComparison.Ordinal);
    }

    /// <summary>The leader web-0 on n1 and standbys that say they can take over.</summary>
    private static FakeCandidatePods Standbys(params (string Name, string Node)[] standbys)
    {
        var pods = new FakeCandidatePods();
        pods.Add("web-0", node: "n1");
        foreach (var (name, node) in standbys)
        {
            pods.Add(name, node: node);
            pods.Pods[name] = pods.Pods[name] with { Candidate = true };
        }

        return pods;
    }

    /// <summary>Nodes read by name, as the API server answers <c>GET nodes/NAME</c>.</summary>
    private sealed class NodeReads(params NodeSnapshot[] nodes) : INodeApi
    {
        public Task<NodeSnapshot?> GetAsync(string name, CancellationToken cancellationToken) => Task.FromResult(nodes.FirstOrDefault(n => n.Name == name));

        public Task<(NodeSnapshot? Object, string? ResourceVersion)> ListAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException("the planner only reads nodes by name");

        public IAsyncEnumerable<NodeSnapshot> WatchAsync(string name, string? resourceVersion, CancellationToken cancellationToken) => throw new NotSupportedException("the planner only reads nodes by name");
    }
}

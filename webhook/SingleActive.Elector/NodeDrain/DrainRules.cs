using SingleActive.Contract;

namespace SingleActive.Elector.NodeDrain;

/// <summary>
/// When a node counts as about to be drained: cordoned, or carrying one of the drain taints
/// (<see cref="ElectorEnv.DrainTaints"/>, parsed by the webhook's own rule <see cref="DrainRules"/>;
/// <see cref="DrainTaints.Default"/> when unset). Any taint effect counts. A node whose kubelet stopped reporting
/// (<see cref="UnreachableTaint"/>) counts as well, whatever the list says.
/// </summary>
public sealed class DrainRules
{
    /// <summary>
    /// The node lifecycle controller's taint for a node whose kubelet stopped reporting (Ready <c>Unknown</c> after
    /// <c>--node-monitor-grace-period</c>, 40 s by default: the kubelet crashed, hung, was stopped, or lost its own
    /// connection while the pods' connections still work). In the same pass the controller marks every pod on the node
    /// not ready (<c>MarkPodsNotReady</c>, k8s.io/kubernetes pkg/controller/nodelifecycle node_lifecycle_controller.go,
    /// 1.20), so a leader there serves no Service while its elector may still renew the Lease: until the taint-based
    /// eviction (300 s by default, never with a toleration without <c>tolerationSeconds</c>) nothing else would move the
    /// Lease. Taken as a drain: the leader hands over to a standby on another node, and a standby here is no successor.
    /// Not <c>node.kubernetes.io/not-ready</c>: the kubelet reports that itself (a container runtime or network plugin
    /// restarting, a kubelet starting up), the controller adds it at once and does not mark the pods, and a live kubelet
    /// keeps them ready; a leader that serves must not hop at every such blip.
    /// </summary>
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    private readonly IReadOnlyList<DrainTaint> taints;

    private DrainRules(IReadOnlyList<DrainTaint> taints) => this.taints = taints;

    /// <summary>The default list.</summary>
    public static DrainRules Default { get; } = Parse(DrainTaints.Default, out _)!;

    /// <summary>The list; <c>null</c> with every problem when <paramref name="text"/> is not one.</summary>
    public static DrainRules? Parse(string text, out string? error)
    {
        var list = DrainTaintList.Parse(text, out var problems);
        error = list is null ? string.Join("; ", problems) : null;
        return list is null ? null : new DrainRules(list);
    }

    /// <summary>The entries as configured, for the log.</summary>
    public override string ToString() => DrainTaintList.Format(taints);

    /// <summary>
    /// Draining when unreachable (<see cref="UnreachableTaint"/>, reported first: it is why the pods there serve nothing),
    /// when cordoned, or when a taint matches an entry (key, and value where the entry has one).
    /// </summary>
    public NodeDrainState Evaluate(NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Taints.Any(t => t.Key == UnreachableTaint))
        {
            // By key alone: the controller adds the NoSchedule and NoExecute forms moments apart, which is no news.
            return new NodeDrainState(true, $"node {node.Name} is unreachable (its kubelet stopped reporting: taint {UnreachableTaint}), so the pods on it are marked not ready", Unreachable: true);
        }

        if (node.Unschedulable)
        {
            return new NodeDrainState(true, $"node {node.Name} is cordoned (spec.unschedulable)");
        }

        foreach (var taint in node.Taints)
        {
            if (taints.Any(t => t.Matches(taint.Key, taint.Value)))
            {
                return new NodeDrainState(true, $"node {node.Name} has the drain taint {taint}");
            }
        }

        return NodeDrainState.Schedulable(node.Name);
    }
}

using SingleActive.Contract;

namespace SingleActive.Elector.NodeDrain;

/// <summary>
/// When a node counts as about to be drained: cordoned, or carrying one of the drain taints
/// (<see cref="ElectorEnv.DrainTaints"/>, parsed by the webhook's own rule <see cref="DrainRules"/>;
/// <see cref="DrainTaints.Default"/> when unset). Any taint effect counts. A node that is not ready
/// (<see cref="NotReadyTaints"/>) counts as well, whatever the list says.
/// </summary>
public sealed class DrainRules
{
    /// <summary>
    /// The node lifecycle controller's taints for a node whose Ready condition is not <c>True</c>:
    /// <c>node.kubernetes.io/unreachable</c> (Unknown: its kubelet stopped reporting — crashed, hung, stopped, or cut off
    /// from the API server while the pods' own connections still work) and <c>node.kubernetes.io/not-ready</c> (False:
    /// its kubelet reports the node not ready, e.g. its container runtime down). The same controller marks every pod on
    /// such a node not ready (<c>MarkPodsNotReady</c>, k8s.io/kubernetes pkg/controller/nodelifecycle
    /// node_lifecycle_controller.go, 1.20), so a leader there serves no Service while its elector, whose own API
    /// connection may well still work, keeps renewing: until the taint-based eviction (300 s by default, never with a
    /// toleration without <c>tolerationSeconds</c>) nothing else would move the Lease. Taken as a drain: the leader hands
    /// over to a standby on a ready node, and a standby here is no successor.
    /// </summary>
    public static readonly IReadOnlyList<string> NotReadyTaints = ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"];

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
    /// Draining when not ready (<see cref="NotReadyTaints"/>, reported first: it is why the pods there serve nothing), when
    /// cordoned, or when a taint matches an entry (key, and value where the entry has one).
    /// </summary>
    public NodeDrainState Evaluate(NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Taints.FirstOrDefault(t => NotReadyTaints.Contains(t.Key, StringComparer.Ordinal)) is { } notReady)
        {
            var why = notReady.Key == NotReadyTaints[0] ? "its kubelet stopped reporting" : "its kubelet reports it not ready";
            return new NodeDrainState(true, $"node {node.Name} is not ready ({why}: taint {notReady}), so the pods on it are marked not ready", NotReady: true);
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

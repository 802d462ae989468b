using SingleActive.Contract;

namespace SingleActive.Elector.NodeDrain;

/// <summary>
/// When a node counts as about to be drained: cordoned, or carrying one of the drain taints
/// (<see cref="ElectorEnv.DrainTaints"/>, parsed by the webhook's own rule <see cref="DrainRules"/>;
/// <see cref="DrainTaints.Default"/> when unset). Any taint effect counts.
/// </summary>
public sealed class DrainRules
{
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

    /// <summary>Draining when cordoned, or when a taint matches an entry (key, and value where the entry has one).</summary>
    public NodeDrainState Evaluate(NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(node);
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

namespace SingleActive.Elector.NodeDrain;

/// <summary>Whether a node is about to be drained, and why, in words for people (Events, conditions, the log).</summary>
/// <param name="Unreachable">
/// The node's kubelet stopped reporting (<see cref="DrainRules.UnreachableTaint"/>): the pods on it are marked not ready
/// and serve no Service, so a leader there hands over as before a drain.
/// </param>
public sealed record NodeDrainState(bool Draining, string Reason, bool Unreachable = false)
{
    /// <summary>Not known to be draining: not watched (yet), or schedulable without a drain taint.</summary>
    public static readonly NodeDrainState Unknown = new(false, "the node is not watched");

    public static NodeDrainState Schedulable(string node) => new(false, $"node {node} is schedulable");
}

namespace SingleActive.Contract;

/// <summary>
/// The <c>requested</c> of a <see cref="HandoverRecord"/> the leader started by itself rather than on an operator's
/// request: parenthesized, so no pod name (a DNS subdomain) can be mistaken for one.
/// </summary>
public static class PlannedHandover
{
    /// <summary>The leader's node was cordoned or got a drain taint: it hands over before the node is drained.</summary>
    public const string NodeDrain = "(node drain)";

    /// <summary>A rollout is under way: the leader, of an older template revision, hands over to a standby of the newest.</summary>
    public const string Rollout = "(rollout)";

    /// <summary>Whether <paramref name="requested"/> names one of these rather than a pod or <see cref="Annotations.AnyHolder"/>.</summary>
    public static bool IsPlanned(string? requested) => requested is NodeDrain or Rollout;
}

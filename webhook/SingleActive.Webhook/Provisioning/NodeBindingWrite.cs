namespace SingleActive.Webhook.Provisioning;

/// <summary>What <see cref="NodeBindingSubjects.EnsureAsync"/> did to the node binding's subjects.</summary>
/// <param name="Added">The account was added (the same update removed <paramref name="Removed"/>).</param>
/// <param name="Removed">ServiceAccounts (<c>namespace/name</c>) removed because their namespace no longer exists.</param>
/// <param name="Problem">Why the account could not be added; the pod is admitted all the same.</param>
/// <param name="PruneProblem">Why subjects of deleted namespaces stayed (or one was not put back); the account was added.</param>
public sealed record NodeBindingWrite(bool Added, IReadOnlyList<string> Removed, NodeBindingProblem? Problem, PruneProblem? PruneProblem)
{
    /// <summary>The account already is a subject: nothing written.</summary>
    public static NodeBindingWrite Unchanged { get; } = new(false, [], null, null);

    /// <summary>The account could not be added, for <paramref name="problem"/>; nothing written.</summary>
    public static NodeBindingWrite Failed(NodeBindingProblem problem) => new(false, [], problem, null);
}

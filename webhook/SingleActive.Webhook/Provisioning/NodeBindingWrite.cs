namespace SingleActive.Webhook.Provisioning;

/// <summary>What <see cref="NodeBindingSubjects.EnsureAsync"/> did to the node binding's subjects.</summary>
/// <param name="Added">The account was added (one update, which also removed <paramref name="Removed"/>).</param>
/// <param name="Removed">ServiceAccounts (<c>namespace/name</c>) dropped because their namespace no longer exists.</param>
/// <param name="Problem">Why the account could not be added; the pod is admitted all the same.</param>
/// <param name="NotPruned">Why the namespaces could not be listed, so no subject was removed; the account was still added.</param>
public sealed record NodeBindingWrite(bool Added, IReadOnlyList<string> Removed, NodeBindingProblem? Problem, string? NotPruned)
{
    /// <summary>The account already is a subject: nothing written.</summary>
    public static NodeBindingWrite Unchanged { get; } = new(false, [], null, null);

    public static NodeBindingWrite Failed(NodeBindingProblem problem) => new(false, [], problem, null);
}

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>
/// The advice lookups' test double: a namespace's objects from a fixed list, recording the namespaces asked for. As
/// strict as the API: only the objects of the namespace asked for are returned. Null objects stand for an unreachable
/// API (what the real lookups answer then).
/// </summary>
/// <param name="namespaceOf">An object's <c>metadata.namespace</c>.</param>
internal abstract class FakeNamespaceLookup<T>(IReadOnlyList<T>? objects, Func<T, string?> namespaceOf)
{
    public List<string> Asked { get; } = [];

    public Task<IReadOnlyList<T>?> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        Asked.Add(@namespace);
        return Task.FromResult<IReadOnlyList<T>?>(objects is null ? null : [.. objects.Where(o => namespaceOf(o) == @namespace)]);
    }
}

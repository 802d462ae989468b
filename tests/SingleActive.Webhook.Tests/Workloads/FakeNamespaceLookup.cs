namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>
/// The advice lookups' test double: a namespace's objects from a fixed list, recording the namespaces asked for. Null
/// objects stand for an unreachable API (what the real lookups answer then).
/// </summary>
internal abstract class FakeNamespaceLookup<T>(IReadOnlyList<T>? objects)
{
    public List<string> Asked { get; } = [];

    public Task<IReadOnlyList<T>?> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        Asked.Add(@namespace);
        return Task.FromResult(objects);
    }
}

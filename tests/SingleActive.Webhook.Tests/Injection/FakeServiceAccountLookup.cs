using System.Collections.Concurrent;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Test double of the dry-run existence check: answers <see cref="Exists"/> and records every question.</summary>
public sealed class FakeServiceAccountLookup(bool? exists) : IServiceAccountLookup
{
    private readonly ConcurrentQueue<(string Namespace, string Name)> _questions = new();

    public bool? Exists { get; set; } = exists;

    public IReadOnlyCollection<(string Namespace, string Name)> Questions => _questions;

    public Task<bool?> ExistsAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        _questions.Enqueue((@namespace, name));
        return Task.FromResult(Exists);
    }
}

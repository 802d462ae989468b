using k8s.Models;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>Services from a list; records the namespaces asked for. Null services stand for an unreachable API.</summary>
internal sealed class FakeServiceLookup(params V1Service[]? services) : IServiceLookup
{
    public List<string> Asked { get; } = [];

    public Task<IReadOnlyList<V1Service>?> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        Asked.Add(@namespace);
        return Task.FromResult<IReadOnlyList<V1Service>?>(services);
    }
}

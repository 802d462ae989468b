using k8s.Models;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>Services from a list (<see cref="FakeNamespaceLookup{T}"/>).</summary>
internal sealed class FakeServiceLookup(params V1Service[]? services)
    : FakeNamespaceLookup<V1Service>(services, s => s.Metadata?.NamespaceProperty), IServiceLookup;

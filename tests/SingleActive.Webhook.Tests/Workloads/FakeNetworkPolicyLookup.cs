using k8s.Models;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

/// <summary>NetworkPolicies from a list (<see cref="FakeNamespaceLookup{T}"/>).</summary>
internal sealed class FakeNetworkPolicyLookup(params V1NetworkPolicy[]? policies)
    : FakeNamespaceLookup<V1NetworkPolicy>(policies, p => p.Metadata?.NamespaceProperty), INetworkPolicyLookup;

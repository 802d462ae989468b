using k8s.Models;

namespace SingleActive.Kubectl.Doctor;

/// <summary>A Service the webhooks call (their <c>clientConfig.service</c>), with the Service and its Endpoints as read.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Port">The port the webhooks call (<c>clientConfig.service.port</c>; 443 when unset, as the API server defaults it).</param>
/// <param name="Service">The Service; null when there is none.</param>
/// <param name="Endpoints">Its Endpoints; null when there are none (the endpoints controller writes them for every Service with a selector; one without a selector needs its own).</param>
/// <param name="Unreadable">Why they could not be read (e.g. no <c>get</c> on services or endpoints there); null when read.</param>
/// <param name="NetworkPolicies">The NetworkPolicies of its namespace; empty when there are none or they could not be listed.</param>
/// <param name="Pods">The pods its selector selects; read only when there are NetworkPolicies to match them against.</param>
public sealed record WebhookBackend(
    string Namespace, string Name, int Port, V1Service? Service, V1Endpoints? Endpoints, string? Unreadable = null,
    IReadOnlyList<V1NetworkPolicy>? NetworkPolicies = null, IReadOnlyList<V1Pod>? Pods = null)
{
    /// <summary>How findings name it: <c>namespace/service/name</c>.</summary>
    public string Subject => $"{Namespace}/service/{Name}";

    /// <summary>The addresses the API server may reach: the ready ones of every subset.</summary>
    public int Ready => Endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;

    /// <summary>The addresses of pods that exist but are not ready.</summary>
    public int NotReady => Endpoints?.Subsets?.Sum(s => s.NotReadyAddresses?.Count ?? 0) ?? 0;
}

using k8s.Models;

namespace SingleActive.Kubectl.Doctor;

/// <summary>A Service the webhooks call (their <c>clientConfig.service</c>) and its Endpoints, as read.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Endpoints">The Endpoints object of the same name; null when there is none (the endpoints controller writes one for every Service with a selector, so none means no such Service, or one without a selector).</param>
/// <param name="Unreadable">Why the Endpoints could not be read (e.g. no <c>get</c> on endpoints there); null when read.</param>
public sealed record WebhookBackend(string Namespace, string Name, V1Endpoints? Endpoints, string? Unreadable = null)
{
    /// <summary>The addresses the API server may call: the ready ones of every subset.</summary>
    public int Ready => Endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;

    /// <summary>The addresses of pods that exist but are not ready.</summary>
    public int NotReady => Endpoints?.Subsets?.Sum(s => s.NotReadyAddresses?.Count ?? 0) ?? 0;
}

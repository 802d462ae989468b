namespace SingleActive.Webhook.Injection;

/// <summary>What <see cref="PodRenderer.Render"/> did beyond mutating the pod.</summary>
/// <param name="CreateServiceAccount">True when the pod was switched to the webhook's dedicated account.</param>
public sealed record RenderedPod(InjectionStatus Status, string ServiceAccountName, bool CreateServiceAccount, IReadOnlyList<string> Warnings);

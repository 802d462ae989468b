namespace SingleActive.Webhook.Injection;

/// <summary>What <see cref="PodRenderer.Plan"/> decided: the edits, and what they mean beyond the pod.</summary>
/// <param name="CreateServiceAccount">True when the pod is switched to the webhook's dedicated account.</param>
/// <param name="AppProbe">The app probe the elector was given, as JSON (with the settings, all the elector depends on).</param>
public sealed record RenderedPod(PodEdits Edits, InjectionStatus Status, string ServiceAccountName, bool CreateServiceAccount, IReadOnlyList<string> Warnings, string? AppProbe);

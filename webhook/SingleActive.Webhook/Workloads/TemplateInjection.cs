namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Offline injection's request that a workload's pod template itself get the elector (no webhook sees its pods), with
/// the versions that decide the sidecar kind (<see cref="Injection.SidecarModes.Choose"/>).
/// </summary>
/// <param name="ServerVersion">The API server's version; null when unknown.</param>
/// <param name="OldestKubelet">The oldest node kubelet's version; null when unknown.</param>
public sealed record TemplateInjection(Version? ServerVersion, Version? OldestKubelet)
{
    /// <summary>Both versions unknown: under the <c>auto</c> sidecar mode the elector becomes a regular container, which runs on every node.</summary>
    public static TemplateInjection VersionsUnknown { get; } = new(null, null);
}

namespace SingleActive.Webhook.Injection;

/// <summary>What the injector needs to know beyond the pod itself.</summary>
/// <param name="Namespace">The pod's namespace (the request's, when the object leaves it empty).</param>
/// <param name="DryRun">Carried for callers; rendering is the same either way.</param>
/// <param name="ServerVersion">The API server's version, for <see cref="SidecarMode.Auto"/>; null when unknown.</param>
/// <param name="LeaseNameHint">Lease name to use when the pod has no owner, generateName or name (a workload's pod template).</param>
/// <param name="DedicatedAccount">Whether the pod may be switched to the dedicated ServiceAccount; only a dry run finds out otherwise.</param>
public sealed record InjectionContext(
    string? Namespace,
    bool DryRun = false,
    Version? ServerVersion = null,
    string? LeaseNameHint = null,
    ServiceAccountAvailability DedicatedAccount = ServiceAccountAvailability.Assumed);

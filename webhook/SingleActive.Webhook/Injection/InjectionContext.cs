namespace SingleActive.Webhook.Injection;

/// <summary>What the injector needs to know beyond the pod itself.</summary>
/// <param name="Namespace">The pod's namespace (the request's, when the object leaves it empty).</param>
/// <param name="DryRun">Carried for callers; rendering is the same either way.</param>
/// <param name="ServerVersion">The API server's version, for <see cref="SidecarMode.Auto"/>; null when unknown.</param>
/// <param name="OldestKubelet">The oldest node kubelet's version, for <see cref="SidecarMode.Auto"/>; null when unknown.</param>
/// <param name="LeaseNameHint">Lease name to use when the pod has no owner, generateName or name (a workload's pod template).</param>
/// <param name="DedicatedAccount">Whether the pod may be switched to the dedicated ServiceAccount; only a dry run finds out otherwise.</param>
/// <param name="AccountAnnotations">
/// The annotations of the pod's own ServiceAccount, read from the API before a pod is switched to the dedicated
/// one (a cloud identity on it must not be moved silently); null when they were not or could not be read
/// (offline injection, no API, an error), and then only the pod itself is checked.
/// </param>
public sealed record InjectionContext(
    string? Namespace,
    bool DryRun = false,
    Version? ServerVersion = null,
    string? LeaseNameHint = null,
    ServiceAccountAvailability DedicatedAccount = ServiceAccountAvailability.Assumed,
    IReadOnlyDictionary<string, string>? AccountAnnotations = null,
    Version? OldestKubelet = null);

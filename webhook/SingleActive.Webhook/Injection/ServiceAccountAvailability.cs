namespace SingleActive.Webhook.Injection;

/// <summary>
/// Whether the pod may be switched to the webhook's dedicated ServiceAccount. Only dry runs ask: a real
/// create provisions the account before the pod is admitted, a dry run creates nothing, and the API server
/// rejects a pod whose account does not exist.
/// </summary>
public enum ServiceAccountAvailability
{
    /// <summary>Switch (real creates: the provisioner makes sure it exists; dry runs: it exists).</summary>
    Assumed,

    /// <summary>Dry run, and the account does not exist yet: keep the pod's own account.</summary>
    Missing,

    /// <summary>Dry run, and whether it exists cannot be told (no API, an error): keep the pod's own account.</summary>
    Unknown,
}

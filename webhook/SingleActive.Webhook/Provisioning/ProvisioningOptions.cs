namespace SingleActive.Webhook.Provisioning;

/// <summary>ServiceAccount/RoleBinding provisioning settings, section <c>Provisioning</c>.</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Provisioning";

    /// <summary>
    /// How long a successful check is trusted, so the admission hot path makes no API calls. An object
    /// deleted behind the webhook's back is re-created at the latest this long after.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Bound on all API calls for one request; well inside the API server's webhook timeout (10 s by default).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}

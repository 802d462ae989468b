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

    /// <summary>
    /// On API servers before 1.21 the ServiceAccount admission plugin rejects a pod whose account has no
    /// token Secret yet ("No API token found … retry"), and the token controller writes that Secret a moment
    /// after the account is created. After creating the elector's account on such a server the webhook waits
    /// this long (within <see cref="Timeout"/>) for the Secret, so the first pod is not bounced. Zero: no wait.
    /// </summary>
    public TimeSpan TokenSecretWait { get; set; } = TimeSpan.FromSeconds(3);
}

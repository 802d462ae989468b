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

    /// <summary>
    /// Bound on the provisioning API calls of one request. With the account read before it (at most 1.5 s) it must end inside
    /// the pods webhook's <c>timeoutSeconds</c> (10 in deploy/), or the API server answers before the webhook's denial.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On API servers before 1.21 the ServiceAccount admission plugin rejects a pod whose account has no
    /// token Secret yet ("No API token found … retry"), and the token controller writes that Secret a moment
    /// after the account is created. After creating the elector's account on such a server the webhook waits
    /// this long (within <see cref="Timeout"/>) for the Secret, so the first pod is not bounced. Zero: no wait.
    /// </summary>
    public TimeSpan TokenSecretWait { get; set; } = TimeSpan.FromSeconds(3);
}

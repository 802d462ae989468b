namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// In-cluster self-signed mode, section <c>SelfSigned</c> (flags <c>--self-signed-secret</c>,
/// <c>--webhook-config</c>, <c>--service</c>, <c>--namespace</c>; the rest as <c>--SelfSigned:Key=value</c>).
/// Setting <see cref="SecretName"/> turns the mode on: the replicas keep their CA and serving certificate
/// in that Secret, one of them at a time (the holder of <see cref="LeaseName"/>) creating and renewing it
/// and patching the caBundle of <see cref="WebhookConfiguration"/>.
/// </summary>
public sealed class SelfSignedOptions
{
    public const string SectionName = "SelfSigned";

    /// <summary>Renewal starts at this fraction of a certificate's lifetime, as cert-manager's default does.</summary>
    public const double RenewAtFraction = 2.0 / 3.0;

    /// <summary>The Secret (type kubernetes.io/tls) holding tls.crt, tls.key, ca.crt and ca.key. Unset: the mode is off.</summary>
    public string? SecretName { get; set; }

    /// <summary>The MutatingWebhookConfiguration whose webhooks get the caBundle.</summary>
    public string WebhookConfiguration { get; set; } = "single-active-webhook";

    /// <summary>The Service the API server calls; the serving certificate is issued for its DNS names.</summary>
    public string Service { get; set; } = "single-active-webhook";

    /// <summary>Namespace of the Service, the Secret and the Lease. Unset: the pod's own (env POD_NAMESPACE).</summary>
    public string? Namespace { get; set; }

    /// <summary>The Lease that elects the one replica allowed to write the Secret.</summary>
    public string LeaseName { get; set; } = "single-active-webhook-certs";

    /// <summary>This replica's name in the Lease. Unset: env POD_NAME, else host name and process id.</summary>
    public string? Identity { get; set; }

    /// <summary>CA lifetime. Rotating the CA puts old and new CA in the caBundle until the old one expires.</summary>
    public TimeSpan CaValidity { get; set; } = TimeSpan.FromDays(5 * 365);

    /// <summary>Serving certificate lifetime (never beyond the CA's).</summary>
    public TimeSpan CertificateValidity { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// How often every replica re-reads the Secret (a renewed certificate is served within this time)
    /// and the writer renews its Lease and checks certificates and caBundle.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a writer's Lease lasts without renewal before another replica may take over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up waits for a certificate in the Secret before it fails with the reason.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The names the API server may use for the Service: the one it uses is &lt;service&gt;.&lt;namespace&gt;.svc.</summary>
    public IReadOnlyList<string> DnsNames() =>
    [
        Service,
        $"{Service}.{Namespace}",
        $"{Service}.{Namespace}.svc",
        $"{Service}.{Namespace}.svc.cluster.local",
    ];
}

namespace SingleActive.Webhook.Cluster;

/// <summary>Kubernetes API settings, section <c>Cluster</c>.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Kubeconfig file(s) (<c>--kubeconfig</c>); overrides <c>KUBECONFIG</c>. Unset: <c>KUBECONFIG</c>, else in-cluster config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>How often the API server's version is read again (it changes on control-plane upgrades).</summary>
    public TimeSpan VersionRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);
}

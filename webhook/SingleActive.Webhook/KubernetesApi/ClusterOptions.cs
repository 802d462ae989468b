namespace SingleActive.Webhook.KubernetesApi;

/// <summary>Kubernetes API settings, section <c>Cluster</c>.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// Kubeconfig file(s) (<c>--kubeconfig</c>, a ':' list merged as kubectl does); overrides <c>KUBECONFIG</c>. Unset:
    /// <c>KUBECONFIG</c>'s files merged, else in-cluster config (a server never reads <c>~/.kube/config</c>).
    /// </summary>
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// How often the API server's version and the nodes' kubelet versions are read again (they change during
    /// upgrades, and a node with an old kubelet cannot run native sidecars). One GET, and the nodes listed in pages
    /// of 250, per replica and interval.
    /// </summary>
    public TimeSpan VersionRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

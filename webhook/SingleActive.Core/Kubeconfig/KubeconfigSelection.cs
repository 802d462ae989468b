namespace SingleActive.Core.Kubeconfig;

/// <summary>The context chosen from a merged kubeconfig, with the cluster and user it names (user null: no credentials).</summary>
public sealed record KubeconfigSelection(string ContextName, KubeconfigEntry Context, KubeconfigEntry Cluster, KubeconfigEntry? User)
{
    /// <summary>The API server's address.</summary>
    public Uri Server => new(Cluster["server"]!);

    /// <summary>The context's namespace (what kubectl uses without <c>-n</c>); null when it names none.</summary>
    public string? Namespace => Context["namespace"];
}

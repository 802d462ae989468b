namespace SingleActive.Core.Kubeconfig;

/// <summary>The context chosen from a merged kubeconfig, with the cluster and user it names (user null: no credentials).</summary>
public sealed class KubeconfigSelection(string contextName, KubeconfigEntry context, KubeconfigEntry cluster, KubeconfigEntry? user)
{
    public string ContextName { get; } = contextName;

    public KubeconfigEntry Context { get; } = context;

    public KubeconfigEntry Cluster { get; } = cluster;

    public KubeconfigEntry? User { get; } = user;

    /// <summary>The API server's address.</summary>
    public Uri Server => new(Cluster["server"]!);

    /// <summary>The context's namespace (what kubectl uses without <c>-n</c>); null when it names none.</summary>
    public string? Namespace => Context["namespace"];
}

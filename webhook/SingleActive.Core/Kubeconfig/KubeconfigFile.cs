namespace SingleActive.Core.Kubeconfig;

/// <summary>One parsed kubeconfig file, before merging; entries in file order.</summary>
public sealed class KubeconfigFile(
    string path, string? currentContext, IReadOnlyList<KubeconfigEntry> clusters, IReadOnlyList<KubeconfigEntry> users, IReadOnlyList<KubeconfigEntry> contexts)
{
    public string Path { get; } = path;

    public string? CurrentContext { get; } = currentContext;

    public IReadOnlyList<KubeconfigEntry> Clusters { get; } = clusters;

    public IReadOnlyList<KubeconfigEntry> Users { get; } = users;

    public IReadOnlyList<KubeconfigEntry> Contexts { get; } = contexts;
}

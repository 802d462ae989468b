namespace SingleActive.Core.Kubeconfig;

/// <summary>One parsed kubeconfig file, before merging; entries in file order.</summary>
public sealed record KubeconfigFile(
    string Path, string? CurrentContext, IReadOnlyList<KubeconfigEntry> Clusters, IReadOnlyList<KubeconfigEntry> Users, IReadOnlyList<KubeconfigEntry> Contexts);

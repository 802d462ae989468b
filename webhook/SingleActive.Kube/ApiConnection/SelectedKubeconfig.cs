using k8s;
using k8s.KubeConfigModels;
using SingleActive.Core.Kubeconfig;

namespace SingleActive.Kube.ApiConnection;

/// <summary>
/// KubernetesClient's model of exactly the context that <see cref="KubeconfigDocument"/> chose by kubectl's rules:
/// the context, its cluster and its user, each read by KubernetesClient (which knows exec and auth-provider users)
/// from the file the merge took it from. The AOT client cannot merge several files itself; this way it never has to,
/// and which file, context, cluster and user apply is decided once, in SingleActive.Core, for the elector too.
/// </summary>
internal static class SelectedKubeconfig
{
    public static K8SConfiguration Build(KubeconfigSelection chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var loaded = new Dictionary<string, K8SConfiguration>(StringComparer.Ordinal);
        K8SConfiguration Of(KubeconfigEntry entry) =>
            loaded.TryGetValue(entry.File, out var file) ? file : loaded[entry.File] = KubernetesClientConfiguration.LoadKubeConfig(entry.File);

        var context = Of(chosen.Context).Contexts?.FirstOrDefault(c => c.Name == chosen.Context.Name)
            ?? throw new InvalidOperationException($"{chosen.Context.File}: context '{chosen.Context.Name}' cannot be read");
        var cluster = Of(chosen.Cluster).Clusters?.FirstOrDefault(c => c.Name == chosen.Cluster.Name)
            ?? throw new InvalidOperationException($"{chosen.Cluster.File}: cluster '{chosen.Cluster.Name}' cannot be read");
        var user = chosen.User is { } wanted ? Of(wanted).Users?.FirstOrDefault(u => u.Name == wanted.Name) : null;

        // Relative paths belong to the file that named them, which after a merge need not be the context's file.
        if (cluster.ClusterEndpoint is { } endpoint && chosen.Cluster.PathOf("certificate-authority") is { } caFile)
        {
            endpoint.CertificateAuthority = caFile;
        }

        if (user?.UserCredentials is { } credentials && chosen.User is { } userEntry)
        {
            credentials.ClientCertificate = userEntry.PathOf("client-certificate") ?? credentials.ClientCertificate;
            credentials.ClientKey = userEntry.PathOf("client-key") ?? credentials.ClientKey;
        }

        return new K8SConfiguration
        {
            CurrentContext = chosen.ContextName,
            Contexts = [context],
            Clusters = [cluster],
            Users = user is null ? [] : [user],
            FileName = chosen.Context.File,
        };
    }
}

using k8s;
using SingleActive.Core.Kubeconfig;

namespace SingleActive.Kube.ApiConnection;

/// <summary>
/// A connection to the Kubernetes API, for the webhook and the kubectl plugin alike: from a kubeconfig chosen by
/// kubectl's rules (<see cref="KubeconfigFiles"/>: a <c>--kubeconfig</c> flag, else <c>KUBECONFIG</c>'s files merged,
/// else <c>~/.kube/config</c>), else in-cluster config when running in a pod, else none. With none,
/// <see cref="Client"/> is null and anything that needs the API says so in its own error.
/// </summary>
public sealed class ClusterConnection : IDisposable
{
    private ClusterConnection(IKubernetes? client, string description, string? defaultNamespace = null)
    {
        Client = client;
        Description = description;
        DefaultNamespace = defaultNamespace;
    }

    /// <summary>A connection that has no API (local runs, unit tests).</summary>
    public static ClusterConnection None => new(null, "no Kubernetes API configured (set KUBECONFIG or run in a cluster)");

    public IKubernetes? Client { get; }

    /// <summary>Where the configuration came from, for logs.</summary>
    public string Description { get; }

    /// <summary>The namespace of the kubeconfig context in use (what kubectl uses without <c>-n</c>); null when it names none.</summary>
    public string? DefaultNamespace { get; }

    public static ClusterConnection FromClient(IKubernetes client, string description) => new(client, description);

    /// <summary>
    /// Resolves the configuration in the documented order, trusting every CA of the configured bundle
    /// (see <see cref="ClusterCaBundle"/>). A kubeconfig that was asked for but cannot be
    /// read is an error naming the file: silently running without the API would deny every opted-in pod.
    /// </summary>
    /// <param name="context">The kubeconfig context to use (kubectl's <c>--context</c>); null: its current context.</param>
    public static ClusterConnection Create(string? kubeconfig, Func<string, string?> environment, string? context = null, KubeconfigFiles.HomeConfig home = KubeconfigFiles.HomeConfig.Ignore)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (FromKubeconfig(kubeconfig, environment, context, home) is { } fromFiles)
        {
            var (kubeconfigConfig, files) = fromFiles;
            return new ClusterConnection(new Kubernetes(kubeconfigConfig), $"kubeconfig {files} (server {kubeconfigConfig.Host})", kubeconfigConfig.Namespace);
        }

        if (!string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")))
        {
            try
            {
                var config = KubernetesClientConfiguration.InClusterConfig();
                ClusterCaBundle.Apply(config, ClusterCaBundle.FromFile(ClusterCaBundle.InClusterCaFile));
                return new ClusterConnection(new Kubernetes(config), $"in-cluster config (server {config.Host})");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException(
                    $"KUBERNETES_SERVICE_HOST is set but the in-cluster configuration cannot be read (is the ServiceAccount token mounted?): {e.Message}", e);
            }
        }

        return None;
    }

    /// <summary>The client configuration of the kubeconfig that kubectl's rules choose; null when none applies.</summary>
    internal static (KubernetesClientConfiguration Config, string Files)? FromKubeconfig(string? kubeconfig, Func<string, string?> environment, string? context, KubeconfigFiles.HomeConfig home = KubeconfigFiles.HomeConfig.Ignore)
    {
        var files = KubeconfigFiles.Resolve(kubeconfig, environment, home);
        if (files.Count == 0)
        {
            return null;
        }

        var path = string.Join(Path.PathSeparator, files);
        try
        {
            var chosen = KubeconfigDocument.Load(files).Select(context);
            var kubeconfigFile = SelectedKubeconfig.Build(chosen);

            // Read first, so an unusable CA is reported by the error that names it rather than the library's.
            var bundle = ClusterCaBundle.FromKubeconfig(kubeconfigFile, null);
            var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfigFile, null);
            ClusterCaBundle.Apply(config, bundle);
            return (config, path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"cannot use kubeconfig \"{path}\": {e.Message}", e);
        }
    }

    public void Dispose() => Client?.Dispose();
}

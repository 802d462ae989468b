using k8s;
using SingleActive.Core.Kubeconfig;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.CommandLine;

/// <summary>What every command gets: the API connection kubectl would use, the namespace scope, the output format and the clock.</summary>
/// <param name="Namespace">The namespace to work in (<c>-n</c>, else the context's, else <c>default</c>); null with <c>-A</c>.</param>
public sealed record PluginContext(IKubernetes Client, string? Namespace, OutputFormat Format, TimeProvider Time)
{
    /// <summary>
    /// kubectl's rules (<see cref="SingleActive.Core.Kubeconfig.KubeconfigFiles"/>): <c>--kubeconfig</c>, else
    /// <c>KUBECONFIG</c>'s files merged, else <c>~/.kube/config</c>, else in-cluster credentials; <c>--context</c> picks the context.
    /// </summary>
    public static ClusterConnection Connect(string? kubeconfig, string? context, Func<string, string?> environment) =>
        ClusterConnection.Create(kubeconfig, environment, context, KubeconfigFiles.HomeConfig.Read);
}

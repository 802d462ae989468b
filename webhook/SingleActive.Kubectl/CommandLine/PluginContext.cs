using k8s;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.CommandLine;

/// <summary>What every command gets: the API connection kubectl would use, the namespace scope, the output format and the clock.</summary>
/// <param name="Namespace">The namespace to work in (<c>-n</c>, else the context's, else <c>default</c>); null with <c>-A</c>.</param>
public sealed record PluginContext(IKubernetes Client, string? Namespace, OutputFormat Format, TimeProvider Time)
{
    /// <summary>
    /// kubectl's rules: <c>--kubeconfig</c>, else <c>KUBECONFIG</c> (the first file of a list), else
    /// <c>~/.kube/config</c>, else in-cluster credentials; <c>--context</c> picks the context.
    /// </summary>
    public static ClusterConnection Connect(string? kubeconfig, string? context, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = environment("HOME");
        var fallback = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".kube", "config");
        var file = !string.IsNullOrWhiteSpace(kubeconfig) ? kubeconfig
            : !string.IsNullOrWhiteSpace(environment("KUBECONFIG")) ? null
            : fallback is not null && File.Exists(fallback) ? fallback : null;
        return ClusterConnection.Create(file, environment, context);
    }
}

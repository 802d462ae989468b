using k8s;

namespace SingleActive.Elector.Kubernetes;

/// <summary>KUBECONFIG when set (local runs, tests, benchmarks), otherwise the pod's in-cluster credentials.</summary>
public static class ClusterClientFactory
{
    public const string KubeconfigVariable = "KUBECONFIG";

    public static k8s.Kubernetes Create(Func<string, string?> env)
    {
        var kubeconfig = env(KubeconfigVariable);
        var config = string.IsNullOrWhiteSpace(kubeconfig)
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0]);
        return new k8s.Kubernetes(config);
    }
}

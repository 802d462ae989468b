using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.KubeConfigModels;

namespace SingleActive.Elector.Kubernetes;

/// <summary>KUBECONFIG when set (local runs, tests, benchmarks), otherwise the pod's in-cluster credentials.</summary>
public static class ClusterClientFactory
{
    public const string KubeconfigVariable = "KUBECONFIG";

    public static k8s.Kubernetes Create(Func<string, string?> env)
    {
        var kubeconfig = env(KubeconfigVariable);
        if (string.IsNullOrWhiteSpace(kubeconfig))
        {
            // In-cluster: the CA file is read with every certificate it holds.
            return new k8s.Kubernetes(KubernetesClientConfiguration.InClusterConfig());
        }

        var file = kubeconfig.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
        var model = KubernetesClientConfiguration.LoadKubeConfig(file, useRelativePaths: true);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(model);
        if (CaBundle(model) is { Count: > 1 } bundle)
        {
            config.SslCaCerts = bundle;
        }

        return new k8s.Kubernetes(config);
    }

    /// <summary>
    /// Every certificate of the current cluster's <c>certificate-authority-data</c>. The AOT
    /// client keeps only the first one, so a bundle (a CA rotation, or the leaf-plus-CA file
    /// kube-apiserver writes for itself) fails verification with "certificate rejected".
    /// </summary>
    public static X509Certificate2Collection? CaBundle(K8SConfiguration model)
    {
        var context = model.Contexts?.FirstOrDefault(c => c.Name == model.CurrentContext);
        var cluster = model.Clusters?.FirstOrDefault(c => c.Name == context?.ContextDetails?.Cluster);
        var data = cluster?.ClusterEndpoint?.CertificateAuthorityData;
        if (string.IsNullOrWhiteSpace(data))
        {
            return null;
        }

        var pem = Encoding.ASCII.GetString(Convert.FromBase64String(data));
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return null;
        }

        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(pem);
        return bundle;
    }
}

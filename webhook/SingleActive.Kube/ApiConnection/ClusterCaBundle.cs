using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.KubeConfigModels;
using SingleActive.Core.Trust;

namespace SingleActive.Kube.ApiConnection;

/// <summary>
/// Every CA certificate the client must trust for the API server. KubernetesClient 21 loads only the FIRST
/// certificate of a kubeconfig's <c>certificate-authority(-data)</c>, but trusts every certificate in
/// <see cref="KubernetesClientConfiguration.SslCaCerts"/> (its validation callback builds the chain with that
/// collection as custom roots). A bundle is normal: old and new CA during a CA rotation, or the leaf+CA file
/// kube-apiserver writes for its self-signed certificate; trusting only the first entry rejects the server.
/// How a bundle is read (and that a configured one without a certificate is an error) is <see cref="CaBundle"/>'s rule.
/// </summary>
public static class ClusterCaBundle
{
    /// <summary>Where a pod's ServiceAccount CA bundle is mounted.</summary>
    public const string InClusterCaFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

    /// <summary>
    /// The bundle of the cluster that <paramref name="context"/> (or the current context) uses; null when that
    /// cluster names no CA (system roots, <c>insecure-skip-tls-verify</c>), which leaves the client's own choice.
    /// </summary>
    public static X509Certificate2Collection? FromKubeconfig(K8SConfiguration kubeconfig, string? context)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        var contextName = context ?? kubeconfig.CurrentContext;
        var clusterName = kubeconfig.Contexts?.FirstOrDefault(c => string.Equals(c.Name, contextName, StringComparison.OrdinalIgnoreCase))?.ContextDetails?.Cluster;
        var endpoint = kubeconfig.Clusters?.FirstOrDefault(c => string.Equals(c.Name, clusterName, StringComparison.OrdinalIgnoreCase))?.ClusterEndpoint;
        if (endpoint is null || endpoint.SkipTlsVerify)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(endpoint.CertificateAuthorityData))
        {
            return CaBundle.FromBase64(endpoint.CertificateAuthorityData, $"certificate-authority-data of cluster \"{clusterName}\"");
        }

        if (!string.IsNullOrWhiteSpace(endpoint.CertificateAuthority))
        {
            // As kubectl: a relative path is relative to the kubeconfig file's directory.
            var path = Path.IsPathRooted(endpoint.CertificateAuthority) || string.IsNullOrEmpty(kubeconfig.FileName)
                ? endpoint.CertificateAuthority
                : Path.Combine(Path.GetDirectoryName(kubeconfig.FileName)!, endpoint.CertificateAuthority);
            return FromFile(path);
        }

        return null;
    }

    /// <summary>Every certificate of a PEM (or single DER) file; an error naming the file when it holds none.</summary>
    public static X509Certificate2Collection FromFile(string path) => CaBundle.FromFile(path);

    /// <summary>Makes the client trust the whole <paramref name="bundle"/>; null leaves the configuration as it is.</summary>
    public static void Apply(KubernetesClientConfiguration config, X509Certificate2Collection? bundle)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (bundle is null)
        {
            return;
        }

        if (config.SslCaCerts is { } previous)
        {
            foreach (var certificate in previous)
            {
                certificate.Dispose();
            }
        }

        config.SslCaCerts = bundle;
    }
}

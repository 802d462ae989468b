using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.KubeConfigModels;

namespace SingleActive.Kube.ApiConnection;

/// <summary>
/// Every CA certificate the client must trust for the API server. KubernetesClient 21 loads only the FIRST
/// certificate of a kubeconfig's <c>certificate-authority(-data)</c>, but trusts every certificate in
/// <see cref="KubernetesClientConfiguration.SslCaCerts"/> (its validation callback builds the chain with that
/// collection as custom roots). A bundle is normal: old and new CA during a CA rotation, or the leaf+CA file
/// kube-apiserver writes for its self-signed certificate; trusting only the first entry rejects the server.
/// </summary>
public static class ClusterCaBundle
{
    /// <summary>Where a pod's ServiceAccount CA bundle is mounted.</summary>
    public const string InClusterCaFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

    private const string PemMarker = "-----BEGIN";

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
            byte[] data;
            try
            {
                data = Convert.FromBase64String(endpoint.CertificateAuthorityData.Trim());
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"certificate-authority-data of cluster \"{clusterName}\" is not base64: {e.Message}", e);
            }

            return FromBytes(data, $"certificate-authority-data of cluster \"{clusterName}\"");
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
    public static X509Certificate2Collection FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the CA file \"{path}\": {e.Message}", e);
        }

        return FromBytes(data, $"CA file \"{path}\"");
    }

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

    private static X509Certificate2Collection FromBytes(byte[] data, string source)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            var text = Encoding.UTF8.GetString(data);
            if (text.Contains(PemMarker, StringComparison.Ordinal))
            {
                // Blocks other than CERTIFICATE (a stray key, comments) are skipped, as Go's AppendCertsFromPEM does.
                bundle.ImportFromPem(text);
            }
            else
            {
                bundle.Add(X509CertificateLoader.LoadCertificate(data));
            }
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"{source} holds an unreadable certificate: {e.Message}", e);
        }

        return bundle.Count > 0 ? bundle : throw new InvalidOperationException($"{source} holds no PEM certificate");
    }
}

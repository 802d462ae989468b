using System.Security.Cryptography.X509Certificates;
using System.Text;
using SingleActive.Core.Kubeconfig;
using SingleActive.Core.Trust;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Turns the kubeconfig context chosen by kubectl's rules (<see cref="KubeconfigDocument"/>) into a connection: the
/// server, CA bundle and credentials (token, token file, or client certificate). Exec and auth-provider plugins are
/// not supported: in a pod the elector uses its service account; kubeconfigs are for local runs and tests.
/// </summary>
public static class KubeconfigReader
{
    public static ClusterConnection Read(string path) => Read([path]);

    /// <param name="files">The kubeconfig files in precedence order (<see cref="KubeconfigFiles.Resolve"/>), merged as kubectl does.</param>
    public static ClusterConnection Read(IReadOnlyList<string> files, string? context = null)
    {
        var chosen = KubeconfigDocument.Load(files).Select(context);
        var cluster = chosen.Cluster;
        var user = chosen.User;
        var skipTlsVerify = cluster.IsTrue("insecure-skip-tls-verify");
        X509Certificate2Collection? bundle = null;
        string? bundleFile = null;
        if (skipTlsVerify)
        {
            // No check at all: a CA the cluster also names is not read (as kubectl and KubernetesClient).
        }
        else if (cluster["certificate-authority-data"] is { } caData)
        {
            bundle = CaBundle.FromBase64(caData, $"certificate-authority-data of cluster \"{cluster.Name}\" in {cluster.File}");
        }
        else if (cluster.PathOf("certificate-authority") is { } caFile)
        {
            bundleFile = caFile;
            bundle = CaBundle.FromFile(caFile);
        }

        var token = user?["token"];
        var tokenFile = user?.PathOf("tokenFile");
        X509Certificate2? clientCertificate = null;
        if (user is not null && Pem(user, "client-certificate") is { } certPem && Pem(user, "client-key") is { } keyPem)
        {
            clientCertificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        }

        if (user is not null && token is null && tokenFile is null && clientCertificate is null && (user.Sections.Contains("exec") || user.Sections.Contains("auth-provider")))
        {
            throw new InvalidOperationException(
                $"{user.File}: user '{user.Name}' authenticates with an exec or auth-provider plugin, which the elector does not run; give it a token, tokenFile or client certificate");
        }

        return new ClusterConnection(chosen.Server, bundle, skipTlsVerify, token, tokenFile, clientCertificate, bundleFile);
    }

    private static string? Pem(KubeconfigEntry user, string key) =>
        user[key + "-data"] is { } data ? Encoding.ASCII.GetString(Convert.FromBase64String(data))
        : user.PathOf(key) is { } file ? File.ReadAllText(file)
        : null;
}

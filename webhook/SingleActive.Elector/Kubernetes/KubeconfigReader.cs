using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Reads what the elector needs from a kubeconfig: the current context's server, CA bundle and
/// credentials (token, token file, or client certificate). Exec and auth-provider plugins are not
/// supported: in a pod the elector uses its service account; kubeconfigs are for local runs and tests.
/// </summary>
public static class KubeconfigReader
{
    public static ClusterConnection Read(string path)
    {
        YamlMappingNode root;
        using (var reader = new StreamReader(path))
        {
            var stream = new YamlStream();
            stream.Load(reader);
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw new InvalidOperationException($"{path} is not a kubeconfig (no YAML mapping)");
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var contextName = Scalar(root, "current-context") ?? throw new InvalidOperationException($"{path} has no current-context");
        var context = Named(root, "contexts", contextName, "context") ?? throw new InvalidOperationException($"{path}: context '{contextName}' not found");
        var clusterName = Scalar(context, "cluster") ?? throw new InvalidOperationException($"{path}: context '{contextName}' names no cluster");
        var cluster = Named(root, "clusters", clusterName, "cluster") ?? throw new InvalidOperationException($"{path}: cluster '{clusterName}' not found");
        var userName = Scalar(context, "user");
        var user = userName is null ? null : Named(root, "users", userName, "user");

        var server = Scalar(cluster, "server") ?? throw new InvalidOperationException($"{path}: cluster '{clusterName}' has no server");
        X509Certificate2Collection? bundle = null;
        string? bundleFile = null;
        if (Scalar(cluster, "certificate-authority-data") is { } caData)
        {
            bundle = Bundle(Encoding.ASCII.GetString(Convert.FromBase64String(caData)));
        }
        else if (Scalar(cluster, "certificate-authority") is { } caFile)
        {
            bundleFile = Path.Combine(baseDirectory, caFile);
            bundle = Bundle(File.ReadAllText(bundleFile));
        }

        X509Certificate2? clientCertificate = null;
        var certPem = Pem(user, "client-certificate-data", "client-certificate", baseDirectory);
        var keyPem = Pem(user, "client-key-data", "client-key", baseDirectory);
        if (certPem is not null && keyPem is not null)
        {
            clientCertificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        }

        var tokenFile = user is null ? null : Scalar(user, "tokenFile");
        return new ClusterConnection(
            new Uri(server),
            bundle,
            string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase),
            user is null ? null : Scalar(user, "token"),
            tokenFile is null ? null : Path.Combine(baseDirectory, tokenFile),
            clientCertificate,
            bundleFile);
    }

    private static X509Certificate2Collection Bundle(string pem)
    {
        // Every certificate of the bundle: a CA rotation, or kube-apiserver's leaf-plus-CA file.
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(pem);
        return bundle;
    }

    private static string? Pem(YamlMappingNode? user, string dataKey, string fileKey, string baseDirectory)
    {
        if (user is null)
        {
            return null;
        }

        if (Scalar(user, dataKey) is { } data)
        {
            return Encoding.ASCII.GetString(Convert.FromBase64String(data));
        }

        return Scalar(user, fileKey) is { } file ? File.ReadAllText(Path.Combine(baseDirectory, file)) : null;
    }

    private static YamlMappingNode? Named(YamlMappingNode root, string list, string name, string inner)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var node) || node is not YamlSequenceNode items)
        {
            return null;
        }

        foreach (var item in items.Children.OfType<YamlMappingNode>())
        {
            if (Scalar(item, "name") == name && item.Children.TryGetValue(new YamlScalarNode(inner), out var body))
            {
                return body as YamlMappingNode;
            }
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text : null;
}

using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SingleActive.Core.Tests.Kubeconfig;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class KubeconfigReaderTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("kubeconfig-test-").FullName;

    [Fact]
    public async Task Read_TokenAndCaBundle_ServerAndBearerTokenFromTheCurrentContext()
    {
        var (ca, _) = CreateCa("CN=test-ca");
        var path = Write($"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster:
                server: https://10.9.9.9:6443
            - name: local
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(ca.ExportCertificatePem()))}
            users:
            - name: admin
              user:
                token: s3cr3t
            contexts:
            - name: local
              context:
                cluster: local
                user: admin
            current-context: local
            """);

        using var connection = KubeconfigReader.Read(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(connection.BaseUri, "api"));
        await connection.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(new Uri("https://127.0.0.1:6443/"), connection.BaseUri);
        Assert.Equal("Bearer s3cr3t", request.Headers.Authorization?.ToString());
    }

    [Fact]
    public async Task Read_TokenFile_IsReadRelativeToTheKubeconfig()
    {
        File.WriteAllText(Path.Combine(directory, "token"), "from-file\n");
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
            users: [{name: u, user: {tokenFile: token}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);

        using var connection = KubeconfigReader.Read(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.BaseUri);
        await connection.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal("Bearer from-file", request.Headers.Authorization?.ToString());
    }

    [Fact]
    public void Read_UnknownContext_SaysWhichOne()
    {
        var path = Write("current-context: missing\ncontexts: []\n");

        var error = Assert.Throws<InvalidOperationException>(() => KubeconfigReader.Read(path));

        Assert.Contains("context 'missing' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromEnvironment_MultiFileKubeconfig_SameServerAndCredentialsAsTheKubectlPlugin()
    {
        using var fixture = new MultiFileKubeconfig();

        using var connection = ClusterConnection.FromEnvironment(fixture.Environment);
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.BaseUri);
        await connection.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(new Uri(MultiFileKubeconfig.ExpectedServer), connection.BaseUri);
        Assert.Equal("Bearer " + MultiFileKubeconfig.ExpectedToken, request.Headers.Authorization?.ToString());
    }

    [Fact]
    public void Read_CaFileWithoutCertificate_FailsNamingTheFileInsteadOfTrustingSystemRoots()
    {
        // Until issue 16 the elector fell back to the system roots here; the webhook and the plugin failed. Both fail now.
        File.WriteAllText(Path.Combine(directory, "ca.crt"), "not a certificate\n");
        var path = Write("""
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", certificate-authority: ca.crt}}]
            contexts: [{name: x, context: {cluster: c}}]
            current-context: x
            """);

        var error = Assert.Throws<InvalidOperationException>(() => KubeconfigReader.Read(path));

        Assert.Contains($"CA file \"{Path.Combine(directory, "ca.crt")}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trusted_ChainEndsInTheBundle_AcceptedElseRejected()
    {
        var (ca, caKey) = CreateCa("CN=cluster-ca");
        using var leaf = CreateLeaf(ca, caKey);
        var (otherCa, _) = CreateCa("CN=someone-else");

        // kube-apiserver's own file: the leaf first, then its CA; both count.
        Assert.True(ClusterConnection.Trusted([leaf, ca], leaf, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ClusterConnection.Trusted([otherCa], leaf, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ClusterConnection.Trusted([ca], leaf, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static (X509Certificate2 Certificate, ECDsa Key) CreateCa(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)), key);
    }

    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, ECDsa caKey)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        // CreateSelfSigned already attached the CA's key.
        _ = caKey;
        return request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), [1, 2, 3, 4]);
    }
}

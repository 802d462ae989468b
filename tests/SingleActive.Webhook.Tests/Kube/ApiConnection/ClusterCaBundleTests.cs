using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Kube.ApiConnection;

/// <summary>
/// The webhook's API client trusts every CA of a kubeconfig's bundle (CA rotation; kube-apiserver's leaf+CA
/// file), proven by TLS handshakes with a loopback server whose certificate is signed by the SECOND CA.
/// </summary>
public sealed class ClusterCaBundleTests : IAsyncLifetime
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(1);
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sa-cabundle-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly X509Certificate2 oldCa = CertificateFactory.CreateAuthority("old cluster CA", Validity);
    private readonly X509Certificate2 newCa = CertificateFactory.CreateAuthority("new cluster CA", Validity);
    private X509Certificate2 serving = null!;
    private LoopbackHttpsStub server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        this.serving = CertificateFactory.CreateServing(newCa, ["localhost"], [IPAddress.Loopback], Validity);
        this.server = await LoopbackHttpsStub.StartAsync(this.serving);
    }

    [Fact]
    public async Task Create_CaDataBundleWithTheServersCaSecond_TrustsIt()
    {
        var path = WriteKubeconfig($"certificate-authority-data: {Base64(Pem(oldCa) + Pem(newCa))}");

        using var connection = ClusterConnection.Create(path, _ => null);

        Assert.Equal(LoopbackHttpsStub.GitVersion, (await connection.Client!.Version.GetCodeAsync()).GitVersion);
    }

    [Fact]
    public async Task Create_RelativeCaFileWithLeafThenCa_TrustsIt()
    {
        // The layout kube-apiserver writes for its self-signed serving certificate (apiserver.crt).
        await File.WriteAllTextAsync(Path.Combine(directory, "apiserver.crt"), Pem(this.serving) + Pem(newCa));
        var path = WriteKubeconfig("certificate-authority: apiserver.crt");

        using var connection = ClusterConnection.Create(path, _ => null);

        Assert.Equal(LoopbackHttpsStub.GitVersion, (await connection.Client!.Version.GetCodeAsync()).GitVersion);
    }

    [Fact]
    public async Task Create_BundleWithoutTheServersCa_StillRejectsIt()
    {
        using var stranger = CertificateFactory.CreateAuthority("someone else's CA", Validity);
        var path = WriteKubeconfig($"certificate-authority-data: {Base64(Pem(oldCa) + Pem(stranger))}");

        using var connection = ClusterConnection.Create(path, _ => null);

        await Assert.ThrowsAsync<HttpRequestException>(() => connection.Client!.Version.GetCodeAsync());
    }

    /// <summary>
    /// Why <see cref="ClusterCaBundle"/> exists: KubernetesClient alone keeps only the first certificate.
    /// If this starts passing after a library upgrade, the workaround can go.
    /// </summary>
    [Fact]
    public async Task LibraryAlone_CaDataBundle_RejectsAServerSignedByTheSecondCa()
    {
        var path = WriteKubeconfig($"certificate-authority-data: {Base64(Pem(oldCa) + Pem(newCa))}");

        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.Version.GetCodeAsync());
    }

    [Fact]
    public void FromKubeconfig_NoCaOrSkipVerify_LeavesTheClientsChoice()
    {
        Assert.Null(ClusterCaBundle.FromKubeconfig(KubernetesClientConfiguration.LoadKubeConfig(WriteKubeconfig(null)), null));
        Assert.Null(ClusterCaBundle.FromKubeconfig(KubernetesClientConfiguration.LoadKubeConfig(WriteKubeconfig("insecure-skip-tls-verify: true")), null));
    }

    [Fact]
    public void FromKubeconfig_DerData_IsOneCertificate()
    {
        var path = WriteKubeconfig($"certificate-authority-data: {Convert.ToBase64String(newCa.RawData)}");

        var bundle = ClusterCaBundle.FromKubeconfig(KubernetesClientConfiguration.LoadKubeConfig(path), null);

        Assert.Equal(newCa.Thumbprint, Assert.Single(bundle!).Thumbprint);
    }

    [Theory]
    [InlineData("certificate-authority-data: bm90IGEgY2VydGlmaWNhdGU=", "certificate-authority-data of cluster \"c\" holds")]
    [InlineData("certificate-authority-data: '***'", "certificate-authority-data of cluster \"c\" is not base64")]
    [InlineData("certificate-authority: missing.crt", "cannot read the CA file")]
    public void Create_UnusableCa_FailsNamingIt(string caLine, string expected)
    {
        var path = WriteKubeconfig(caLine);

        var e = Assert.Throws<InvalidOperationException>(() => ClusterConnection.Create(path, _ => null));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_PemWithoutCertificates_FailsNamingTheFile()
    {
        var file = Path.Combine(directory, "key-only.pem");
        File.WriteAllText(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        var e = Assert.Throws<InvalidOperationException>(() => ClusterCaBundle.FromFile(file));

        Assert.Equal($"CA file \"{file}\" holds no PEM certificate: put the cluster's CA certificate(s) there as \"-----BEGIN CERTIFICATE-----\" blocks, or remove the setting to trust the system roots", e.Message);
    }

    public async Task DisposeAsync()
    {
        await this.server.DisposeAsync();
        this.serving.Dispose();
        oldCa.Dispose();
        newCa.Dispose();
        Directory.Delete(directory, true);
    }

    private static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private string WriteKubeconfig(string? caLine) =>
        TestKubeconfig.Write(Path.Combine(directory, Guid.NewGuid().ToString("N")[..6] + ".kubeconfig"), this.server.Address.ToString().TrimEnd('/'), caLine);
}

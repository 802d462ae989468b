using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

/// <summary>The cluster CA bundle re-read when the kubelet rewrites it (a CA rotation), and the checks' outcome.</summary>
public sealed class ApiServerTrustTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("sa-trust-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Validate_CaRotatedInTheFile_TrustsTheNewCaAfterTheReloadInterval()
    {
        var (oldCa, _) = Authority("old-ca");
        var (newCa, newKey) = Authority("new-ca");
        using var serverUnderNewCa = Leaf(newCa, newKey);
        var file = Path.Combine(directory, "ca.crt");
        File.WriteAllText(file, oldCa.ExportCertificatePem());
        var time = new FakeTimeProvider();
        var trust = new ApiServerTrust(Load(file), file, time);

        Assert.False(trust.Validate(serverUnderNewCa, SslPolicyErrors.RemoteCertificateChainErrors));
        File.WriteAllText(file, newCa.ExportCertificatePem() + "\n" + oldCa.ExportCertificatePem() + "\n");
        time.Advance(ApiServerTrust.ReloadInterval - TimeSpan.FromSeconds(1));
        Assert.False(trust.Validate(serverUnderNewCa, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Equal(TimeSpan.FromSeconds(29), trust.FailingFor);

        time.Advance(TimeSpan.FromSeconds(1));

        var trusted = trust.Validate(serverUnderNewCa, SslPolicyErrors.RemoteCertificateChainErrors);
        Assert.True(trusted, $"reloads {trust.Reloads}, failures {trust.Failures}");
        Assert.Equal((1L, 2L), (trust.Reloads, trust.Failures));
        Assert.Null(trust.FailingFor);
    }

    [Fact]
    public void Validate_BrokenOrMissingFile_KeepsTheLoadedBundle()
    {
        var (ca, key) = Authority("ca");
        using var server = Leaf(ca, key);
        var file = Path.Combine(directory, "ca.crt");
        File.WriteAllText(file, ca.ExportCertificatePem());
        var time = new FakeTimeProvider();
        var trust = new ApiServerTrust(Load(file), file, time);

        File.WriteAllText(file, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        time.Advance(ApiServerTrust.ReloadInterval);
        Assert.True(trust.Validate(server, SslPolicyErrors.RemoteCertificateChainErrors));

        File.Delete(file);
        time.Advance(ApiServerTrust.ReloadInterval);
        Assert.True(trust.Validate(server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Equal(0, trust.Reloads);
    }

    [Fact]
    public void Validate_NameMismatch_NeverTrusted()
    {
        var (ca, key) = Authority("ca");
        using var server = Leaf(ca, key);
        var trust = new ApiServerTrust([ca], file: null, new FakeTimeProvider());

        Assert.False(trust.Validate(server, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Equal(1, trust.Failures);
    }

    private static X509Certificate2Collection Load(string file)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(file);
        return bundle;
    }

    private static (X509Certificate2 Certificate, ECDsa Key) Authority(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)), key);
    }

    private static X509Certificate2 Leaf(X509Certificate2 ca, ECDsa caKey)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubernetes", key, HashAlgorithmName.SHA256);
        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
        return issued.CopyWithPrivateKey(key);
    }
}

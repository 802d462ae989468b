using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

public sealed class CertificateFilesTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sa-files-" + Guid.NewGuid().ToString("N")[..8]);

    public CertificateFilesTests()
    {
        using var bundle = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(1));
        bundle.WriteTo(directory);
    }

    private string Cert => Path.Combine(directory, "tls.crt");

    private string Key => Path.Combine(directory, "tls.key");

    [Fact]
    public void Load_MissingCertificate_NamesFileAndFlag()
    {
        var missing = Path.Combine(directory, "nope.crt");

        var e = Assert.Throws<CertificateLoadException>(() => CertificateFiles.Load(missing, Key));

        Assert.Contains(missing, e.Message);
        Assert.Contains("--tls-cert-file", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Load_MissingKey_NamesFileAndFlag()
    {
        var missing = Path.Combine(directory, "nope.key");

        var e = Assert.Throws<CertificateLoadException>(() => CertificateFiles.Load(Cert, missing));

        Assert.Contains(missing, e.Message);
        Assert.Contains("--tls-private-key-file", e.Message);
    }

    [Fact]
    public void Load_GarbageCertificate_NamesFile()
    {
        File.WriteAllText(Cert, "hello");

        var e = Assert.Throws<CertificateLoadException>(() => CertificateFiles.Load(Cert, Key));

        Assert.Contains(Cert, e.Message);
        Assert.Contains("no PEM \"CERTIFICATE\" block", e.Message);
    }

    [Fact]
    public void Load_KeyOfAnotherCertificate_NamesKeyFile()
    {
        using (var other = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(1)))
        {
            File.WriteAllText(Key, other.PrivateKeyPem);
        }

        var e = Assert.Throws<CertificateLoadException>(() => CertificateFiles.Load(Cert, Key));

        Assert.Contains(Key, e.Message);
        Assert.Contains("not the key of that certificate", e.Message);
    }

    [Fact]
    public void Load_ChainInCertificateFile_KeepsIntermediates()
    {
        using var root = CertificateFactory.CreateAuthority("root", TimeSpan.FromDays(2));
        using var leaf = CertificateFactory.CreateServing(root, ["localhost"], [], TimeSpan.FromDays(1));
        var bundle = new CertificateBundle(root, leaf);
        File.WriteAllText(Cert, bundle.CertificatePem + bundle.CaCertificatePem);
        File.WriteAllText(Key, bundle.PrivateKeyPem);

        using var loaded = CertificateFiles.Load(Cert, Key);

        Assert.Equal(leaf.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Equal(root.Thumbprint, Assert.Single(loaded.Intermediates).Thumbprint);
    }

    public void Dispose() => Directory.Delete(directory, true);
}

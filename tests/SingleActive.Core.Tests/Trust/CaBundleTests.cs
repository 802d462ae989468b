using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SingleActive.Core.Trust;

namespace SingleActive.Core.Tests.Trust;

public sealed class CaBundleTests
{
    [Fact]
    public void Parse_PemBundleWithAStrayKey_EveryCertificate()
    {
        using var first = CreateCa("CN=old-ca");
        using var second = CreateCa("CN=new-ca");
        var pem = first.ExportCertificatePem() + "\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + second.ExportCertificatePem();

        var bundle = CaBundle.Parse(Encoding.ASCII.GetBytes(pem), "test");

        Assert.Equal([first.Thumbprint, second.Thumbprint], bundle.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Parse_Der_TheOneCertificate()
    {
        using var ca = CreateCa("CN=der-ca");

        Assert.Equal(ca.Thumbprint, Assert.Single(CaBundle.Parse(ca.RawData, "test")).Thumbprint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void Parse_NoCertificate_FailsNamingTheSourceAndTheFix(string text)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CaBundle.Parse(Encoding.ASCII.GetBytes(text), "CA file \"/x/ca.crt\""));

        Assert.StartsWith("CA file \"/x/ca.crt\" holds no PEM certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("BEGIN CERTIFICATE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBase64_NotBase64_FailsNamingTheSource()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CaBundle.FromBase64("***", "certificate-authority-data of cluster \"c\""));

        Assert.StartsWith("certificate-authority-data of cluster \"c\" is not base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_Missing_FailsNamingTheFile()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CaBundle.FromFile("/nonexistent/ca.crt"));

        Assert.StartsWith("cannot read the CA file \"/nonexistent/ca.crt\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HalfWrittenFile_Null() =>
        Assert.Null(CaBundle.TryParse(Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIB")));

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}

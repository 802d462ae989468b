using System.Net;
using System.Security.Cryptography.X509Certificates;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

public sealed class CertificateFactoryTests
{
    [Fact]
    public void CreateBundle_ServingCertificate_HasRequestedSansAndServerAuth()
    {
        using var bundle = CertificateFactory.CreateBundle(["webhook.ns.svc", "localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], TimeSpan.FromDays(30));

        var san = bundle.Serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["webhook.ns.svc", "localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        Assert.Contains(bundle.Serving.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        Assert.False(bundle.Serving.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(bundle.Authority.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(bundle.Serving.HasPrivateKey);
        Assert.InRange(bundle.Serving.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
    }

    [Fact]
    public void CreateBundle_ClientTrustingOnlyTheCa_VerifiesChainAndHostNames()
    {
        using var bundle = CertificateFactory.CreateBundle(["webhook.ns.svc"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        using var ca = X509Certificate2.CreateFromPem(bundle.CaCertificatePem);
        using var served = X509Certificate2.CreateFromPem(bundle.CertificatePem);

        Assert.True(CaTrust.Verifies(ca, served, "webhook.ns.svc"));
        Assert.True(CaTrust.Verifies(ca, served, "127.0.0.1"));
        Assert.False(CaTrust.Verifies(ca, served, "other.ns.svc"));
    }

    [Fact]
    public void CreateBundle_ClientTrustingAnotherCa_Rejects()
    {
        using var bundle = CertificateFactory.CreateBundle(["a"], [], TimeSpan.FromDays(1));
        using var other = CertificateFactory.CreateBundle(["a"], [], TimeSpan.FromDays(1));

        Assert.False(CaTrust.Verifies(other.Authority, bundle.Serving, "a"));
    }

    [Fact]
    public void PemOutput_LoadsBackAsAPair()
    {
        using var bundle = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(1));

        using var loaded = X509Certificate2.CreateFromPem(bundle.CertificatePem, bundle.PrivateKeyPem);

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(bundle.Serving.Thumbprint, loaded.Thumbprint);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", bundle.PrivateKeyPem);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", bundle.CaCertificatePem);
    }

    [Fact]
    public void CreateServing_LongerThanCa_IsCappedAtCaExpiry()
    {
        using var ca = CertificateFactory.CreateAuthority("ca", TimeSpan.FromDays(10));
        using var serving = CertificateFactory.CreateServing(ca, ["x"], [], TimeSpan.FromDays(100));

        Assert.True(serving.NotAfter <= ca.NotAfter);
    }

    [Fact]
    public void CreateServing_NoNames_Throws() =>
        Assert.Throws<ArgumentException>(() => CertificateFactory.CreateBundle([], [], TimeSpan.FromDays(1)));

    [Fact]
    public void WriteTo_Directory_WritesSecretLayoutWithPrivateKeyOwnerOnly()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sa-certs-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var bundle = CertificateFactory.CreateBundle(["x"], [], TimeSpan.FromDays(1));
            bundle.WriteTo(directory);

            Assert.Equal(["ca.crt", "tls.crt", "tls.key"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "tls.key")));
            }
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}

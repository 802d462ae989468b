using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Tls;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class SecretCertificateSourceTests
{
    [Fact]
    public void Current_NothingReadYet_ErrorNamesTheSecret()
    {
        var source = new SecretCertificateSource("single-active-system/single-active-webhook-tls");

        var error = Assert.Throws<CertificateLoadException>(() => source.Current);
        Assert.Contains("single-active-system/single-active-webhook-tls", error.Message, StringComparison.Ordinal);
        Assert.False(source.HasCertificate);
    }

    [Fact]
    public void Update_NewThenSameCertificate_SwapsOnce()
    {
        var source = new SecretCertificateSource("ns/name");
        using var secret = new CertificateIssuer(CertificateRenewalTests.Options(), new FakeTimeProvider(DateTimeOffset.UtcNow)).Issue(RenewalAction.Create, null)!;
        using var copy = CertificateSecret.TryRead(secret.ToData(), out _)!;

        Assert.True(source.Update(secret.Serving));
        Assert.False(source.Update(copy.Serving));
        Assert.Same(secret.Serving, source.Current);
    }
}

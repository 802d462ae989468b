using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class CertificateSecretTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToData_ThenTryRead_RoundTripsCertificatesAndKeys()
    {
        using var issued = Issue(RenewalAction.Create, null);

        var data = issued.ToData();
        using var read = CertificateSecret.TryRead(data, out var problem);

        Assert.Null(problem);
        Assert.NotNull(read);
        Assert.Equal(["ca.crt", "ca.key", "tls.crt", "tls.key"], data.Keys.Order());
        Assert.Equal(issued.Serving.Thumbprint, read.Serving.Thumbprint);
        Assert.Equal(issued.Authority.Thumbprint, read.Authority.Thumbprint);
        Assert.True(read.Serving.HasPrivateKey);
        Assert.True(read.Authority.HasPrivateKey);
        Assert.True(read.ServingIssuedByAuthority());
    }

    [Theory]
    [InlineData("tls.crt")]
    [InlineData("tls.key")]
    [InlineData("ca.crt")]
    [InlineData("ca.key")]
    public void TryRead_KeyMissing_ProblemNamesIt(string key)
    {
        using var issued = Issue(RenewalAction.Create, null);
        var data = issued.ToData();
        data.Remove(key);

        Assert.Null(CertificateSecret.TryRead(data, out var problem));
        Assert.Equal($"the Secret has no \"{key}\"", problem);
    }

    [Fact]
    public void TryRead_Garbage_ProblemSaysUnreadable()
    {
        using var issued = Issue(RenewalAction.Create, null);
        var data = issued.ToData();
        data["tls.key"] = Encoding.ASCII.GetBytes("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");

        Assert.Null(CertificateSecret.TryRead(data, out var problem));
        Assert.StartsWith("the Secret's certificates or keys cannot be read", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_RotateAuthority_KeepsOldCaTrustedUntilItExpires()
    {
        using var first = Issue(RenewalAction.Create, null);
        using var rotated = Issue(RenewalAction.RotateAuthority, first);

        Assert.NotEqual(first.Authority.Thumbprint, rotated.Authority.Thumbprint);
        Assert.Equal(first.Authority.Thumbprint, rotated.PreviousAuthority!.Thumbprint);
        Assert.True(rotated.ServingIssuedByAuthority());

        var bundle = Certificates(rotated.CaBundlePem(Start));
        Assert.Equal([rotated.Authority.Thumbprint, first.Authority.Thumbprint], bundle);
        Assert.Equal([rotated.Authority.Thumbprint], Certificates(rotated.CaBundlePem(first.Authority.NotAfter.ToUniversalTime().AddSeconds(1))));

        // ca-previous.crt survives the Secret round trip and a later serving renewal.
        using var read = CertificateSecret.TryRead(rotated.ToData(), out _)!;
        using var renewed = Issue(RenewalAction.RenewServing, read);
        Assert.Equal(first.Authority.Thumbprint, renewed.PreviousAuthority!.Thumbprint);
        Assert.Equal(rotated.Authority.Thumbprint, renewed.Authority.Thumbprint);
    }

    [Fact]
    public void Issue_RenewServing_SameCaNewServingForTheServiceNames()
    {
        using var first = Issue(RenewalAction.Create, null);
        using var renewed = Issue(RenewalAction.RenewServing, first);

        Assert.Equal(first.Authority.Thumbprint, renewed.Authority.Thumbprint);
        Assert.NotEqual(first.Serving.Thumbprint, renewed.Serving.Thumbprint);
        Assert.Null(renewed.PreviousAuthority);
        var names = renewed.Serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
        Assert.Equal(
            ["single-active-webhook", "single-active-webhook.single-active-system", "single-active-webhook.single-active-system.svc", "single-active-webhook.single-active-system.svc.cluster.local"],
            names);
        Assert.Equal([first.Authority.Thumbprint], Certificates(renewed.CaBundlePem(Start)));
    }

    [Fact]
    public void Issue_Keep_Nothing()
    {
        using var first = Issue(RenewalAction.Create, null);

        Assert.Null(Issue(RenewalAction.Keep, first));
    }

    private static CertificateSecret Issue(RenewalAction action, CertificateSecret? current) =>
        new CertificateIssuer(CertificateRenewalTests.Options(), new FakeTimeProvider(Start)).Issue(action, current)!;

    private static List<string> Certificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection.Select(c => c.Thumbprint).ToList();
    }
}

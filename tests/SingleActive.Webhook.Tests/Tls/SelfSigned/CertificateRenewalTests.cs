using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Tls;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class CertificateRenewalTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decide_NoSecret_Create()
    {
        Assert.Equal(RenewalAction.Create, CertificateRenewal.Decide(null, Options(), Start));
    }

    [Theory]
    [InlineData(0, RenewalAction.Keep)]
    [InlineData(59, RenewalAction.Keep)] // 60 days = 2/3 of 90: not yet
    [InlineData(60, RenewalAction.RenewServing)]
    [InlineData(89, RenewalAction.RenewServing)]
    public void Decide_ServingCertificateAge_RenewsFromTwoThirdsOfItsLifetime(int days, RenewalAction expected)
    {
        var options = Options();
        var clock = new FakeTimeProvider(Start);
        using var secret = new CertificateIssuer(options, clock).Issue(RenewalAction.Create, null)!;

        Assert.Equal(expected, CertificateRenewal.Decide(secret, options, Start + TimeSpan.FromDays(days)));
    }

    [Fact]
    public void Decide_ShortLivedBackdatedCertificate_NotDueAtBirth()
    {
        // CertificateFactory backdates NotBefore by minutes; a 30 s certificate must still wait 20 s.
        var options = Options(certificate: TimeSpan.FromSeconds(30), poll: TimeSpan.FromSeconds(1));
        using var secret = new CertificateIssuer(options, new FakeTimeProvider(Start)).Issue(RenewalAction.Create, null)!;

        Assert.Equal(RenewalAction.Keep, CertificateRenewal.Decide(secret, options, Start + TimeSpan.FromSeconds(19)));
        Assert.Equal(RenewalAction.RenewServing, CertificateRenewal.Decide(secret, options, Start + TimeSpan.FromSeconds(21)));
    }

    [Fact]
    public void Decide_CaNearExpiry_RotateAuthority()
    {
        var options = Options();
        using var secret = new CertificateIssuer(options, new FakeTimeProvider(Start)).Issue(RenewalAction.Create, null)!;

        // 2/3 of the 1-year CA lifetime.
        Assert.Equal(RenewalAction.RotateAuthority, CertificateRenewal.Decide(secret, options, Start + TimeSpan.FromDays(244)));
    }

    [Fact]
    public void Decide_ServiceRenamed_RenewServing()
    {
        var options = Options();
        using var secret = new CertificateIssuer(options, new FakeTimeProvider(Start)).Issue(RenewalAction.Create, null)!;
        options.Service = "renamed";

        Assert.Equal(RenewalAction.RenewServing, CertificateRenewal.Decide(secret, options, Start));
    }

    [Fact]
    public void Decide_ServingFromAnotherCa_RenewServing()
    {
        var options = Options();
        var clock = new FakeTimeProvider(Start);
        using var one = new CertificateIssuer(options, clock).Issue(RenewalAction.Create, null)!;
        using var other = new CertificateIssuer(options, clock).Issue(RenewalAction.Create, null)!;
        using var mixed = new CertificateSecret(one.Authority, other.Serving, null);

        Assert.Equal(RenewalAction.RenewServing, CertificateRenewal.Decide(mixed, options, Start));
    }

    [Fact]
    public void RenewAt_ConfiguredValidity_OneThirdBeforeNotAfter()
    {
        using var authority = CertificateFactory.CreateAuthority("ca", TimeSpan.FromDays(30), new FakeTimeProvider(Start));

        Assert.Equal(Start + TimeSpan.FromDays(20), CertificateRenewal.RenewAt(authority, TimeSpan.FromDays(30)));
    }

    internal static SelfSignedOptions Options(TimeSpan? certificate = null, TimeSpan? poll = null) => new()
    {
        SecretName = "single-active-webhook-tls",
        Namespace = "single-active-system",
        Identity = "replica-a",
        CaValidity = TimeSpan.FromDays(365),
        CertificateValidity = certificate ?? TimeSpan.FromDays(90),
        PollInterval = poll ?? TimeSpan.FromSeconds(10),
    };
}

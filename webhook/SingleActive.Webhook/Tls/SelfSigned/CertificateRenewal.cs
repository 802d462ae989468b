using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>Decides, from the Secret and the clock alone, whether the writer must issue anything.</summary>
public static class CertificateRenewal
{
    /// <summary>
    /// When renewal starts: once less than (1 - <see cref="SelfSignedOptions.RenewAtFraction"/>) of the
    /// configured <paramref name="validity"/> is left. Measured back from NotAfter, not forward from
    /// NotBefore: certificates are backdated against clock skew, which would make a short-lived one look
    /// due from birth and be renewed on every poll.
    /// </summary>
    public static DateTimeOffset RenewAt(X509Certificate2 certificate, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) - (validity * (1 - SelfSignedOptions.RenewAtFraction));
    }

    public static RenewalAction Decide(CertificateSecret? secret, SelfSignedOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (secret is null)
        {
            return RenewalAction.Create;
        }

        if (now >= RenewAt(secret.Authority, options.CaValidity))
        {
            return RenewalAction.RotateAuthority;
        }

        if (now >= RenewAt(secret.Serving, options.CertificateValidity) || !secret.ServingIssuedByAuthority() || !CoversExactly(secret.Serving, options.DnsNames()))
        {
            return RenewalAction.RenewServing;
        }

        return RenewalAction.Keep;
    }

    /// <summary>A renamed Service or namespace needs a certificate for the new names.</summary>
    private static bool CoversExactly(X509Certificate2 certificate, IReadOnlyCollection<string> dnsNames)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }

        var present = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return present.SetEquals(dnsNames);
    }
}

using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>Decides, from the Secret and the clock alone, whether the writer must issue anything.</summary>
public static class CertificateRenewal
{
    /// <summary>The moment renewal starts: <see cref="SelfSignedOptions.RenewAtFraction"/> into the certificate's lifetime.</summary>
    public static DateTimeOffset RenewAt(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return notBefore + ((notAfter - notBefore) * SelfSignedOptions.RenewAtFraction);
    }

    public static RenewalAction Decide(CertificateSecret? secret, IReadOnlyCollection<string> dnsNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        if (secret is null)
        {
            return RenewalAction.Create;
        }

        if (now >= RenewAt(secret.Authority))
        {
            return RenewalAction.RotateAuthority;
        }

        if (now >= RenewAt(secret.Serving) || !secret.ServingIssuedByAuthority() || !CoversExactly(secret.Serving, dnsNames))
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

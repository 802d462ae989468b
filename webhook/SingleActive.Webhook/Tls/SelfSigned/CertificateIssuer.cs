using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>Issues the Secret's next contents with <see cref="CertificateFactory"/>.</summary>
public sealed class CertificateIssuer(SelfSignedOptions options, TimeProvider timeProvider)
{
    public const string AuthorityCommonName = "single-active-webhook-ca";

    /// <summary>
    /// Returns the new contents for <paramref name="action"/>, or null for <see cref="RenewalAction.Keep"/>.
    /// A rotated CA keeps the replaced one as <see cref="CertificateSecret.PreviousAuthority"/>.
    /// </summary>
    public CertificateSecret? Issue(RenewalAction action, CertificateSecret? current)
    {
        switch (action)
        {
            case RenewalAction.Keep:
                return null;
            case RenewalAction.RenewServing when current is not null:
                return new CertificateSecret(
                    Copy(current.Authority),
                    Serving(current.Authority),
                    current.PreviousAuthority is null ? null : Copy(current.PreviousAuthority));
            default:
                var authority = CertificateFactory.CreateAuthority(AuthorityCommonName, options.CaValidity, timeProvider);
                var previous = action == RenewalAction.RotateAuthority && current is not null
                    ? X509CertificateLoader.LoadCertificate(current.Authority.RawData)
                    : null;
                return new CertificateSecret(authority, Serving(authority), previous);
        }
    }

    private X509Certificate2 Serving(X509Certificate2 authority) =>
        CertificateFactory.CreateServing(authority, options.DnsNames(), Array.Empty<IPAddress>(), options.CertificateValidity, timeProvider);

    /// <summary>An independent copy (with the private key) so the new contents own their certificates.</summary>
    private static X509Certificate2 Copy(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey();
        var copy = X509CertificateLoader.LoadCertificate(certificate.RawData);
        if (key is null)
        {
            return copy;
        }

        using (copy)
        {
            return copy.CopyWithPrivateKey(key);
        }
    }
}

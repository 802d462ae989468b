using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// The certificate (with private key) to present on the next TLS handshake. Implementations swap it
/// atomically when a new one is available, so connections never see a half-updated pair.
/// </summary>
public interface IServingCertificateSource
{
    X509Certificate2 Current { get; }

    /// <summary>Intermediate CA certificates sent after <see cref="Current"/> (from a tls.crt that holds a chain).</summary>
    IReadOnlyList<X509Certificate2> Intermediates => [];
}

using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// Serves the certificate last read from the self-signed mode's Secret. <see cref="SelfSignedCertificateManager"/>
/// fills it before the server starts listening and swaps it when the Secret changes; the old certificate is
/// left to the GC because a handshake in flight may still be using it.
/// </summary>
public sealed class SecretCertificateSource(string secretDescription) : IServingCertificateSource
{
    private volatile X509Certificate2? current;

    public X509Certificate2 Current => this.current
        ?? throw new CertificateLoadException($"no serving certificate has been read from Secret {secretDescription} yet");

    public bool HasCertificate => this.current is not null;

    /// <summary>Serves <paramref name="serving"/> (with its private key) from the next handshake on; false when it is already served.</summary>
    public bool Update(X509Certificate2 serving)
    {
        ArgumentNullException.ThrowIfNull(serving);
        if (this.current is { } current && current.Thumbprint == serving.Thumbprint)
        {
            return false;
        }

        this.current = serving;
        return true;
    }
}

using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// TLS settings for each handshake, rebuilt only when the certificate changes. Building an
/// <see cref="SslStreamCertificateContext"/> per handshake (what a plain certificate selector does) would
/// redo chain building on every new connection.
/// </summary>
public sealed class ServerAuthenticationOptionsCache(IServingCertificateSource source)
{
    /// <summary>TLS 1.2 is the floor: older versions are broken and the API server never needs them.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    private Entry? entry;

    public SslServerAuthenticationOptions Get()
    {
        var certificate = source.Current;
        var entry = Volatile.Read(ref this.entry);
        if (entry is not null && ReferenceEquals(entry.Certificate, certificate))
        {
            return entry.Options;
        }

        var context = SslStreamCertificateContext.Create(certificate, [.. source.Intermediates], offline: true);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            EnabledSslProtocols = Protocols,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
        Volatile.Write(ref this.entry, new Entry(certificate, options));
        return options;
    }

    private sealed record Entry(X509Certificate2 Certificate, SslServerAuthenticationOptions Options);
}

using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls;

/// <summary>A loaded certificate/key pair, the rest of the chain from the same file, and the hash of the file contents.</summary>
public sealed record ServingCertificate(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Intermediates, string ContentHash) : IDisposable
{
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var intermediate in Intermediates)
        {
            intermediate.Dispose();
        }
    }
}

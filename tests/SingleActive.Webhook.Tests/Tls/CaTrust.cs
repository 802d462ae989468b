using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tests.Tls;

/// <summary>HTTPS clients that trust exactly one CA, the way the API server trusts a webhook's caBundle.</summary>
public static class CaTrust
{
    public static bool Verifies(X509Certificate2 authority, X509Certificate? presented, string? expectedHost = null)
    {
        if (presented is null)
        {
            return false;
        }

        using var leaf = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        return chain.Build(leaf) && (expectedHost is null || leaf.MatchesHostname(expectedHost));
    }

    /// <summary>
    /// A client that accepts only certificates chaining to <paramref name="authority"/> and naming the host
    /// it connects to. <paramref name="onCertificate"/> sees every certificate presented (for rotation tests).
    /// </summary>
    public static HttpClient CreateClient(Uri baseAddress, X509Certificate2 authority, Action<X509Certificate2>? onCertificate = null, bool pooled = true)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = pooled ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is not null)
                    {
                        onCertificate?.Invoke(new X509Certificate2(certificate));
                    }

                    return Verifies(authority, certificate, baseAddress.Host.Trim('[', ']'));
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// The contents of the self-signed mode's Secret, in cert-manager's layout plus what re-signing needs:
/// <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>, <c>ca.key</c>, and after a CA rotation
/// <c>ca-previous.crt</c>, which stays in the caBundle until it expires (certificates it signed may
/// still be served by a replica that has not re-read the Secret yet).
/// </summary>
public sealed class CertificateSecret : IDisposable
{
    public const string CertificateKey = CertificateBundle.CertificateFileName;
    public const string PrivateKeyKey = CertificateBundle.PrivateKeyFileName;
    public const string CaKey = CertificateBundle.CaFileName;
    public const string CaPrivateKeyKey = CertificateBundle.CaKeyFileName;
    public const string PreviousCaKey = "ca-previous.crt";
    public const string SecretType = "kubernetes.io/tls";

    public CertificateSecret(X509Certificate2 authority, X509Certificate2 serving, X509Certificate2? previousAuthority)
    {
        Authority = authority;
        Serving = serving;
        PreviousAuthority = previousAuthority;
    }

    /// <summary>The CA, with its private key.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The serving certificate, with its private key.</summary>
    public X509Certificate2 Serving { get; }

    public X509Certificate2? PreviousAuthority { get; }

    /// <summary>
    /// Parses the Secret's data. Null with a <paramref name="problem"/> naming the key when anything is
    /// missing or unreadable (the writer then replaces it; the other replicas keep what they serve).
    /// </summary>
    public static CertificateSecret? TryRead(IDictionary<string, byte[]>? data, out string? problem)
    {
        problem = null;
        if (data is null)
        {
            problem = "the Secret has no data";
            return null;
        }

        foreach (var key in new[] { CertificateKey, PrivateKeyKey, CaKey, CaPrivateKeyKey })
        {
            if (!data.TryGetValue(key, out var value) || value is null || value.Length == 0)
            {
                problem = $"the Secret has no \"{key}\"";
                return null;
            }
        }

        X509Certificate2? authority = null, serving = null, previous = null;
        try
        {
            authority = X509Certificate2.CreateFromPem(Text(data[CaKey]), Text(data[CaPrivateKeyKey]));
            serving = X509Certificate2.CreateFromPem(Text(data[CertificateKey]), Text(data[PrivateKeyKey]));
            if (data.TryGetValue(PreviousCaKey, out var old) && old is { Length: > 0 })
            {
                previous = X509Certificate2.CreateFromPem(Text(old));
            }

            return new CertificateSecret(authority, serving, previous);
        }
        catch (CryptographicException e)
        {
            problem = $"the Secret's certificates or keys cannot be read: {e.Message}";
            authority?.Dispose();
            serving?.Dispose();
            previous?.Dispose();
            return null;
        }
    }

    public Dictionary<string, byte[]> ToData()
    {
        var data = new Dictionary<string, byte[]>
        {
            [CertificateKey] = Bytes(Serving.ExportCertificatePem() + "\n"),
            [PrivateKeyKey] = Bytes(KeyPem(Serving)),
            [CaKey] = Bytes(Authority.ExportCertificatePem() + "\n"),
            [CaPrivateKeyKey] = Bytes(KeyPem(Authority)),
        };
        if (PreviousAuthority is not null)
        {
            data[PreviousCaKey] = Bytes(PreviousAuthority.ExportCertificatePem() + "\n");
        }

        return data;
    }

    /// <summary>What the API server must trust: the CA, and the previous CA while it is still valid.</summary>
    public string CaBundlePem(DateTimeOffset now)
    {
        var pem = new StringBuilder(Authority.ExportCertificatePem()).Append('\n');
        if (PreviousAuthority is not null && PreviousAuthority.NotAfter.ToUniversalTime() > now.UtcDateTime)
        {
            pem.Append(PreviousAuthority.ExportCertificatePem()).Append('\n');
        }

        return pem.ToString();
    }

    /// <summary>True when <see cref="Serving"/> was signed by <see cref="Authority"/>.</summary>
    public bool ServingIssuedByAuthority()
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(Serving);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Serving.Dispose();
        PreviousAuthority?.Dispose();
    }

    private static string KeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException($"certificate {certificate.Subject} has no private key");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    private static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);
}

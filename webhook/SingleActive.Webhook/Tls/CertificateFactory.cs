using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// Creates a small private CA and serving certificates signed by it (ECDSA P-256), for the <c>certs</c>
/// subcommand, the no-flag local default and tests. The shapes follow what Go's verifier in the
/// kube-apiserver accepts: SANs only (Go ignores the CN), serverAuth EKU, a CA with keyCertSign.
/// </summary>
public static class CertificateFactory
{
    /// <summary>Clock skew between this machine and the API server must not make a fresh certificate "not yet valid".</summary>
    private static readonly TimeSpan BackdateBy = TimeSpan.FromMinutes(5);

    /// <summary>Creates a self-signed CA certificate with its private key.</summary>
    public static X509Certificate2 CreateAuthority(string commonName, TimeSpan validity, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now - BackdateBy, now + validity);
    }

    /// <summary>Creates a serving certificate (with private key) for the given names, signed by <paramref name="authority"/>.</summary>
    public static X509Certificate2 CreateServing(
        X509Certificate2 authority,
        IEnumerable<string> dnsNames,
        IEnumerable<IPAddress> ipAddresses,
        TimeSpan validity,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (!authority.HasPrivateKey)
        {
            throw new ArgumentException("the CA certificate has no private key to sign with", nameof(authority));
        }

        var dns = dnsNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ips = ipAddresses.Distinct().ToList();
        if (dns.Count == 0 && ips.Count == 0)
        {
            throw new ArgumentException("a serving certificate needs at least one DNS name or IP address");
        }

        var san = new SubjectAlternativeNameBuilder();
        dns.ForEach(san.AddDnsName);
        ips.ForEach(san.AddIpAddress);

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var notBefore = now - BackdateBy;
        var notAfter = now + validity;
        // A certificate may not outlive its issuer: verifiers reject the chain once the CA expires anyway.
        if (notAfter > authority.NotAfter.ToUniversalTime())
        {
            notAfter = authority.NotAfter.ToUniversalTime();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = dns.Count > 0 ? dns[0] : ips[0].ToString();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(subject)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        request.CertificateExtensions.Add(san.Build(true));

        using var signed = request.Create(authority, notBefore, notAfter, NewSerialNumber());
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Creates a fresh CA and a serving certificate signed by it.</summary>
    public static CertificateBundle CreateBundle(
        IEnumerable<string> dnsNames,
        IEnumerable<IPAddress> ipAddresses,
        TimeSpan validity,
        string authorityName = "single-active-webhook-ca",
        TimeProvider? timeProvider = null)
    {
        var authority = CreateAuthority(authorityName, validity, timeProvider);
        var serving = CreateServing(authority, dnsNames, ipAddresses, validity, timeProvider);
        return new CertificateBundle(authority, serving);
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // DER integers are signed; a serial number must be positive.
        serial[0] |= 0x01; // and must not start with a redundant zero byte
        return serial;
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("+", "\\+", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);
}

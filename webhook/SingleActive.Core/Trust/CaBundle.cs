using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SingleActive.Core.Trust;

/// <summary>
/// Reads a CA bundle, the one rule for every binary: every certificate of a PEM text (a bundle is normal: old
/// and new CA during a rotation, or the leaf+CA file kube-apiserver writes for its self-signed certificate), or a
/// single DER certificate. Blocks other than CERTIFICATE (a stray key, comments) are skipped, as Go's
/// <c>AppendCertsFromPEM</c> does. A bundle that was configured but holds no certificate is an error naming its
/// source and the fix: silently falling back to the system roots would turn a wrong file into TLS failures far
/// from their cause. Only where no bundle is configured at all do the system roots apply, and that is the
/// caller's choice, never this class's.
/// </summary>
public static class CaBundle
{
    private const string PemMarker = "-----BEGIN";

    /// <summary>Every certificate of the file at <paramref name="path"/>; an error naming the file when it cannot be read or holds none.</summary>
    public static X509Certificate2Collection FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the CA file \"{path}\": {e.Message}", e);
        }

        return Parse(data, $"CA file \"{path}\"");
    }

    /// <summary>Every certificate of base64 data (a kubeconfig's <c>certificate-authority-data</c>); <paramref name="source"/> names it in errors.</summary>
    public static X509Certificate2Collection FromBase64(string data, string source)
    {
        ArgumentNullException.ThrowIfNull(data);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data.Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{source} is not base64: {e.Message}", e);
        }

        return Parse(bytes, source);
    }

    /// <summary>Every certificate of <paramref name="data"/>; an error naming <paramref name="source"/> and the fix when it holds none.</summary>
    public static X509Certificate2Collection Parse(byte[] data, string source)
    {
        ArgumentNullException.ThrowIfNull(data);
        var bundle = new X509Certificate2Collection();
        try
        {
            var text = Encoding.UTF8.GetString(data);
            if (text.Contains(PemMarker, StringComparison.Ordinal))
            {
                bundle.ImportFromPem(text);
            }
            else if (data.Length > 0 && data[0] == 0x30)
            {
                // A DER certificate starts with an ASN.1 SEQUENCE; anything else is text without a PEM block.
                bundle.Add(X509CertificateLoader.LoadCertificate(data));
            }
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{source} holds an unreadable certificate: {e.Message}", e);
        }

        return bundle.Count > 0
            ? bundle
            : throw new InvalidOperationException(
                $"{source} holds no PEM certificate: put the cluster's CA certificate(s) there as \"-----BEGIN CERTIFICATE-----\" blocks, or remove the setting to trust the system roots");
    }

    /// <summary>The bundle in <paramref name="data"/>, or null when it holds no readable certificate (a half-written file while reloading).</summary>
    public static X509Certificate2Collection? TryParse(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            return Parse(data, "bundle");
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}

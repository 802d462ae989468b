using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SingleActive.Webhook.Tls;

/// <summary>Reads a PEM certificate/key pair; every failure names the file (and flag) it came from.</summary>
public static class CertificateFiles
{
    public const string CertFlag = "--tls-cert-file";
    public const string KeyFlag = "--tls-private-key-file";

    public static ServingCertificate Load(string certFile, string keyFile)
    {
        var certBytes = Read(certFile, CertFlag, "certificate");
        var keyBytes = Read(keyFile, KeyFlag, "private key");
        return Parse(certFile, certBytes, keyFile, keyBytes);
    }

    /// <summary>Reads both files as they are now; the bytes are hashed for change detection and parsed from the same read.</summary>
    public static (byte[] Cert, byte[] Key) ReadPair(string certFile, string keyFile) =>
        (Read(certFile, CertFlag, "certificate"), Read(keyFile, KeyFlag, "private key"));

    public static ServingCertificate Parse(string certFile, byte[] certBytes, string keyFile, byte[] keyBytes)
    {
        var certPem = Encoding.ASCII.GetString(certBytes);
        var keyPem = Encoding.ASCII.GetString(keyBytes);

        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certPem);
        }
        catch (CryptographicException e)
        {
            throw new CertificateLoadException($"TLS certificate file \"{certFile}\" ({CertFlag}) is not a valid PEM certificate: {e.Message}", e);
        }

        if (chain.Count == 0)
        {
            throw new CertificateLoadException($"TLS certificate file \"{certFile}\" ({CertFlag}) contains no PEM \"CERTIFICATE\" block");
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // A key that does not belong to the certificate surfaces as ArgumentException, a broken one as CryptographicException.
            DisposeAll(chain);
            throw new CertificateLoadException(KeyProblem(keyFile, keyPem, certFile, e), e);
        }

        var intermediates = chain.Skip(1).ToList();
        chain[0].Dispose();
        return new ServingCertificate(leaf, intermediates, Hash(certBytes, keyBytes));
    }

    private static string KeyProblem(string keyFile, string keyPem, string certFile, Exception e)
    {
        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return $"TLS private key file \"{keyFile}\" ({KeyFlag}) contains no PEM private key block";
        }

        return $"TLS private key file \"{keyFile}\" ({KeyFlag}) cannot be used with the certificate in \"{certFile}\" " +
            $"(not a valid key, or not the key of that certificate): {e.Message}";
    }

    private static byte[] Read(string path, string flag, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new CertificateLoadException($"TLS {what} file \"{path}\" ({flag}) does not exist", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new CertificateLoadException($"TLS {what} file \"{path}\" ({flag}) does not exist (its directory is missing)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CertificateLoadException($"TLS {what} file \"{path}\" ({flag}) cannot be read: permission denied", e);
        }
        catch (IOException e)
        {
            throw new CertificateLoadException($"TLS {what} file \"{path}\" ({flag}) cannot be read: {e.Message}", e);
        }
    }

    public static string Hash(byte[] cert, byte[] key)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(cert);
        hash.AppendData([0]);
        hash.AppendData(key);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}

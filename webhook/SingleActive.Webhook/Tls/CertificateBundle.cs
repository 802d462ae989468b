using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// A CA and a serving certificate it signed, both with private keys, and their PEM forms in the layout
/// cert-manager gives a TLS Secret: <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>.
/// </summary>
public sealed class CertificateBundle(X509Certificate2 authority, X509Certificate2 serving) : IDisposable
{
    public const string CertificateFileName = "tls.crt";
    public const string PrivateKeyFileName = "tls.key";
    public const string CaFileName = "ca.crt";
    public const string CaKeyFileName = "ca.key";

    public X509Certificate2 Authority { get; } = authority;

    public X509Certificate2 Serving { get; } = serving;

    public string CaCertificatePem => Authority.ExportCertificatePem() + "\n";

    public string CertificatePem => Serving.ExportCertificatePem() + "\n";

    public string PrivateKeyPem => ExportKeyPem(Serving);

    public string CaPrivateKeyPem => ExportKeyPem(Authority);

    /// <summary>
    /// Writes tls.crt, tls.key and ca.crt into <paramref name="directory"/> (created when missing); keys are
    /// readable by the owner only. With <paramref name="includeCaKey"/> also ca.key, so the CA can sign again later.
    /// Returns the paths written.
    /// </summary>
    public IReadOnlyList<string> WriteTo(string directory, bool includeCaKey = false)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>
        {
            Write(directory, CaFileName, CaCertificatePem, secret: false),
            Write(directory, CertificateFileName, CertificatePem, secret: false),
            Write(directory, PrivateKeyFileName, PrivateKeyPem, secret: true),
        };
        if (includeCaKey)
        {
            written.Add(Write(directory, CaKeyFileName, CaPrivateKeyPem, secret: true));
        }

        return written;
    }

    public void Dispose()
    {
        Authority.Dispose();
        Serving.Dispose();
    }

    private static string ExportKeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException($"certificate {certificate.Subject} has no private key");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    private static string Write(string directory, string name, string content, bool secret)
    {
        var path = Path.Combine(directory, name);
        // Write beside and rename, so a reader polling the directory never sees half a file.
        var temporary = Path.Combine(directory, $".{name}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(content));
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// The no-flag local mode's certificates: a CA kept in a stable directory (so a developer trusts it once)
/// and a serving certificate for 127.0.0.1, localhost and ::1, re-issued by that CA when it nears expiry.
/// </summary>
public static class LocalCertificateStore
{
    public static readonly IReadOnlyList<string> DnsNames = ["localhost"];
    public static readonly IReadOnlyList<IPAddress> IpAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);
    private static readonly TimeSpan ServingValidity = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary><c>$XDG_DATA_HOME/single-active/local-tls</c>, else <c>~/.local/share/single-active/local-tls</c>.</summary>
    public static string DefaultDirectory(Func<string, string?> environment)
    {
        var dataHome = environment("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome))
        {
            var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            dataHome = Path.Combine(home, ".local", "share");
        }

        return Path.Combine(dataHome, "single-active", "local-tls");
    }

    /// <summary>Makes sure usable files exist in <paramref name="directory"/>; says what it did.</summary>
    public static LocalCertificates Ensure(string directory, TimeProvider timeProvider)
    {
        var caFile = Path.Combine(directory, CertificateBundle.CaFileName);
        var caKeyFile = Path.Combine(directory, CertificateBundle.CaKeyFileName);
        var certFile = Path.Combine(directory, CertificateBundle.CertificateFileName);
        var keyFile = Path.Combine(directory, CertificateBundle.PrivateKeyFileName);
        var result = new LocalCertificates(directory, certFile, keyFile, caFile, LocalCertificateAction.Reused);
        var renewAfter = timeProvider.GetUtcNow() + RenewBefore;

        using var authority = TryLoad(caFile, caKeyFile);
        if (authority is null || authority.NotAfter.ToUniversalTime() < renewAfter)
        {
            CreateDirectory(directory);
            using var newAuthority = CertificateFactory.CreateAuthority("single-active local development CA", CaValidity, timeProvider);
            using var newServing = CertificateFactory.CreateServing(newAuthority, DnsNames, IpAddresses, ServingValidity, timeProvider);
            new CertificateBundle(newAuthority, newServing).WriteTo(directory, includeCaKey: true);
            return result with { Action = LocalCertificateAction.Created };
        }

        using var current = TryLoad(certFile, keyFile);
        if (current is null || current.NotAfter.ToUniversalTime() < renewAfter || !IssuedBy(current, authority))
        {
            using var serving = CertificateFactory.CreateServing(authority, DnsNames, IpAddresses, ServingValidity, timeProvider);
            new CertificateBundle(authority, serving).WriteTo(directory, includeCaKey: true);
            return result with { Action = LocalCertificateAction.Renewed };
        }

        return result;
    }

    private static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static X509Certificate2? TryLoad(string certFile, string keyFile)
    {
        try
        {
            return File.Exists(certFile) && File.Exists(keyFile) ? X509Certificate2.CreateFromPemFile(certFile, keyFile) : null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

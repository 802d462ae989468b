using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

public sealed class LocalCertificateStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sa-local-" + Guid.NewGuid().ToString("N")[..8], "local-tls");
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Ensure_EmptyDirectory_CreatesLoopbackCertificateAndCa()
    {
        var local = LocalCertificateStore.Ensure(directory, time);

        Assert.Equal(LocalCertificateAction.Created, local.Action);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(local.CaFile));
        using var served = X509Certificate2.CreateFromPemFile(local.CertFile, local.KeyFile);
        Assert.True(CaTrust.Verifies(ca, served, "127.0.0.1"));
        Assert.True(CaTrust.Verifies(ca, served, "localhost"));
        Assert.True(CaTrust.Verifies(ca, served, "::1"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
    }

    [Fact]
    public void Ensure_SecondRun_ReusesTheSameFiles()
    {
        LocalCertificateStore.Ensure(directory, time);
        var before = File.ReadAllText(Path.Combine(directory, "tls.crt"));

        var again = LocalCertificateStore.Ensure(directory, time);

        Assert.Equal(LocalCertificateAction.Reused, again.Action);
        Assert.Equal(before, File.ReadAllText(again.CertFile));
    }

    [Fact]
    public void Ensure_ServingCertificateNearExpiry_RenewsItWithTheSameCa()
    {
        var first = LocalCertificateStore.Ensure(directory, time);
        var caBefore = File.ReadAllText(first.CaFile);
        var certBefore = File.ReadAllText(first.CertFile);

        time.Advance(TimeSpan.FromDays(340));
        var renewed = LocalCertificateStore.Ensure(directory, time);

        Assert.Equal(LocalCertificateAction.Renewed, renewed.Action);
        Assert.Equal(caBefore, File.ReadAllText(renewed.CaFile));
        Assert.NotEqual(certBefore, File.ReadAllText(renewed.CertFile));
    }

    [Fact]
    public void Ensure_CorruptFiles_StartsOver()
    {
        LocalCertificateStore.Ensure(directory, time);
        File.WriteAllText(Path.Combine(directory, "ca.key"), "junk");

        Assert.Equal(LocalCertificateAction.Created, LocalCertificateStore.Ensure(directory, time).Action);
    }

    [Fact]
    public void DefaultDirectory_PrefersXdgDataHome()
    {
        Assert.Equal("/data/single-active/local-tls", LocalCertificateStore.DefaultDirectory(n => n == "XDG_DATA_HOME" ? "/data" : null));
        Assert.Equal("/home/u/.local/share/single-active/local-tls", LocalCertificateStore.DefaultDirectory(n => n == "HOME" ? "/home/u" : null));
    }

    public void Dispose()
    {
        if (Directory.Exists(Path.GetDirectoryName(directory)))
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, true);
        }
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Metrics;
using SingleActive.Webhook.Metrics;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

public sealed class FileCertificateSourceTests : IDisposable
{
    private readonly CertificateBundle first = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(1));
    private readonly CertificateBundle second = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(2));
    private readonly KubeletSecretVolume volume;
    private readonly FakeTimeProvider time = new();
    private readonly WebhookMetrics metrics = new(new MetricsRegistry());

    public FileCertificateSourceTests() => volume = new KubeletSecretVolume(first);

    [Fact]
    public void Timer_AfterDataSymlinkSwap_ServesNewCertificateOnNextTick()
    {
        using var source = CreateSource();
        Assert.Equal(first.Serving.Thumbprint, source.Current.Thumbprint);

        volume.Swap(second);
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(second.Serving.Thumbprint, source.Current.Thumbprint);
        Assert.Equal(1, metrics.CertificateReloads.Value());
        Assert.Contains("..2026_11_23_00_00_01", RealPath.Resolve(volume.CertFile));
    }

    [Fact]
    public void Poll_UnchangedFiles_DoesNotReload()
    {
        using var source = CreateSource();

        Assert.False(source.Poll());
        Assert.Equal(0, metrics.CertificateReloads.Value());
    }

    [Fact]
    public void Poll_MismatchedNewPair_KeepsServingTheOldCertificate()
    {
        using var source = CreateSource();

        volume.Swap(second.CertificatePem, first.PrivateKeyPem, second.CaCertificatePem);

        Assert.False(source.Poll());
        Assert.Equal(first.Serving.Thumbprint, source.Current.Thumbprint);
        Assert.Equal(1, metrics.CertificateReloadFailures.Value());

        // Failure is reported once per content, and a good pair afterwards is picked up.
        Assert.False(source.Poll());
        Assert.Equal(1, metrics.CertificateReloadFailures.Value());
        volume.Swap(second);
        Assert.True(source.Poll());
        Assert.Equal(second.Serving.Thumbprint, source.Current.Thumbprint);
    }

    [Fact]
    public void Poll_FilesMissing_KeepsServingTheOldCertificate()
    {
        using var source = CreateSource();
        File.Delete(volume.KeyFile);

        Assert.False(source.Poll());

        Assert.Equal(first.Serving.Thumbprint, source.Current.Thumbprint);
    }

    [Fact]
    public void Constructor_MissingFile_ThrowsNamingIt()
    {
        var options = Options.Create(new TlsOptions { CertFile = "/nonexistent/tls.crt", KeyFile = volume.KeyFile });

        var e = Assert.Throws<CertificateLoadException>(() => new FileCertificateSource(options, time, metrics, NullLogger<FileCertificateSource>.Instance));

        Assert.Contains("/nonexistent/tls.crt", e.Message);
    }

    public void Dispose()
    {
        volume.Dispose();
        first.Dispose();
        second.Dispose();
    }

    private FileCertificateSource CreateSource() => new(
        Options.Create(new TlsOptions { CertFile = volume.CertFile, KeyFile = volume.KeyFile }),
        time,
        metrics,
        NullLogger<FileCertificateSource>.Instance);
}

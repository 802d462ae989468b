using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Metrics;
using SingleActive.Webhook.Metrics;
using SingleActive.Webhook.Tls;

namespace SingleActive.Webhook.Tests.Tls;

public sealed class FileCertificateSourceTests : IDisposable
{
    private readonly CertificateBundle _first = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(1));
    private readonly CertificateBundle _second = CertificateFactory.CreateBundle(["localhost"], [], TimeSpan.FromDays(2));
    private readonly KubeletSecretVolume _volume;
    private readonly FakeTimeProvider _time = new();
    private readonly WebhookMetrics _metrics = new(new MetricsRegistry());

    public FileCertificateSourceTests() => _volume = new KubeletSecretVolume(_first);

    [Fact]
    public void Timer_AfterDataSymlinkSwap_ServesNewCertificateOnNextTick()
    {
        using var source = CreateSource();
        Assert.Equal(_first.Serving.Thumbprint, source.Current.Thumbprint);

        _volume.Swap(_second);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(_second.Serving.Thumbprint, source.Current.Thumbprint);
        Assert.Equal(1, _metrics.CertificateReloads.Value());
        Assert.Contains("..2026_11_23_00_00_01", RealPath.Resolve(_volume.CertFile));
    }

    [Fact]
    public void Poll_UnchangedFiles_DoesNotReload()
    {
        using var source = CreateSource();

        Assert.False(source.Poll());
        Assert.Equal(0, _metrics.CertificateReloads.Value());
    }

    [Fact]
    public void Poll_MismatchedNewPair_KeepsServingTheOldCertificate()
    {
        using var source = CreateSource();

        _volume.Swap(_second.CertificatePem, _first.PrivateKeyPem, _second.CaCertificatePem);

        Assert.False(source.Poll());
        Assert.Equal(_first.Serving.Thumbprint, source.Current.Thumbprint);
        Assert.Equal(1, _metrics.CertificateReloadFailures.Value());

        // Failure is reported once per content, and a good pair afterwards is picked up.
        Assert.False(source.Poll());
        Assert.Equal(1, _metrics.CertificateReloadFailures.Value());
        _volume.Swap(_second);
        Assert.True(source.Poll());
        Assert.Equal(_second.Serving.Thumbprint, source.Current.Thumbprint);
    }

    [Fact]
    public void Poll_FilesMissing_KeepsServingTheOldCertificate()
    {
        using var source = CreateSource();
        File.Delete(_volume.KeyFile);

        Assert.False(source.Poll());

        Assert.Equal(_first.Serving.Thumbprint, source.Current.Thumbprint);
    }

    [Fact]
    public void Constructor_MissingFile_ThrowsNamingIt()
    {
        var options = Options.Create(new TlsOptions { CertFile = "/nonexistent/tls.crt", KeyFile = _volume.KeyFile });

        var e = Assert.Throws<CertificateLoadException>(() => new FileCertificateSource(options, _time, _metrics, NullLogger<FileCertificateSource>.Instance));

        Assert.Contains("/nonexistent/tls.crt", e.Message);
    }

    public void Dispose()
    {
        _volume.Dispose();
        _first.Dispose();
        _second.Dispose();
    }

    private FileCertificateSource CreateSource() => new(
        Options.Create(new TlsOptions { CertFile = _volume.CertFile, KeyFile = _volume.KeyFile }),
        _time,
        _metrics,
        NullLogger<FileCertificateSource>.Instance);
}

using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SingleActive.Webhook.Logging;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Tls;

/// <summary>
/// Serves the certificate from <c>--tls-cert-file</c>/<c>--tls-private-key-file</c> and picks up new
/// files without a restart. It polls the content (resolved through every symlink) on a
/// <see cref="TimeProvider"/> timer: the kubelet rotates a mounted Secret by swapping the <c>..data</c>
/// symlink, which a watch on the visible file never reports. A pair that does not load is logged and the
/// previous certificate keeps being served, so a half-written rotation cannot take the webhook down.
/// </summary>
public sealed partial class FileCertificateSource : IServingCertificateSource, IDisposable
{
    private readonly string _certFile;
    private readonly string _keyFile;
    private readonly WebhookMetrics _metrics;
    private readonly ILogger<FileCertificateSource> _logger;
    private readonly ITimer _timer;
    private readonly Lock _pollGate = new();
    private volatile ServingCertificate _current;
    private string? _lastFailedHash;

    public FileCertificateSource(IOptions<TlsOptions> options, TimeProvider timeProvider, WebhookMetrics metrics, ILogger<FileCertificateSource> logger)
    {
        var tls = options.Value;
        _certFile = tls.CertFile ?? throw new CertificateLoadException($"{CertificateFiles.CertFlag} (Tls:CertFile) is required");
        _keyFile = tls.KeyFile ?? throw new CertificateLoadException($"{CertificateFiles.KeyFlag} (Tls:KeyFile) is required");
        _metrics = metrics;
        _logger = logger;
        _current = CertificateFiles.Load(_certFile, _keyFile);
        _metrics.SetCertificateNotAfter(_current.Certificate.NotAfter);
        LogLoaded(_logger, RealPath.Resolve(_certFile), _current.Certificate.Subject, _current.Certificate.NotAfter, _current.Certificate.Thumbprint);
        _timer = timeProvider.CreateTimer(_ => PollFromTimer(), null, tls.ReloadInterval, tls.ReloadInterval);
    }

    public X509Certificate2 Current => _current.Certificate;

    public IReadOnlyList<X509Certificate2> Intermediates => _current.Intermediates;

    /// <summary>Checks the files once; true when a new certificate was loaded. The timer calls it; tests may too.</summary>
    public bool Poll()
    {
        lock (_pollGate)
        {
            byte[] cert, key;
            try
            {
                (cert, key) = CertificateFiles.ReadPair(_certFile, _keyFile);
            }
            catch (CertificateLoadException e)
            {
                // Mid-swap a file may be missing for an instant; the next poll sees the finished state.
                ReportFailure("unreadable:" + e.Message, e);
                return false;
            }

            var hash = CertificateFiles.Hash(cert, key);
            if (hash == _current.ContentHash || hash == _lastFailedHash)
            {
                return false;
            }

            ServingCertificate loaded;
            try
            {
                loaded = CertificateFiles.Parse(_certFile, cert, _keyFile, key);
            }
            catch (CertificateLoadException e)
            {
                ReportFailure(hash, e);
                return false;
            }

            // The old certificate is not disposed: handshakes in progress may still hold it.
            _current = loaded;
            _lastFailedHash = null;
            _metrics.SetCertificateNotAfter(loaded.Certificate.NotAfter);
            _metrics.CertificateReloads.Inc();
            LogReloaded(_logger, RealPath.Resolve(_certFile), loaded.Certificate.Subject, loaded.Certificate.NotAfter, loaded.Certificate.Thumbprint);
            return true;
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>An exception escaping a timer callback would end the process; a failed check only waits for the next.</summary>
    private void PollFromTimer()
    {
        try
        {
            Poll();
        }
        catch (Exception e)
        {
            LogPollFailed(_logger, e);
        }
    }

    private void ReportFailure(string failureKey, CertificateLoadException e)
    {
        if (failureKey == _lastFailedHash)
        {
            return;
        }

        _lastFailedHash = failureKey;
        _metrics.CertificateReloadFailures.Inc();
        LogReloadFailed(_logger, e.Message, _current.Certificate.Thumbprint);
    }

    [LoggerMessage(EventId = EventIds.CertificateLoaded, Level = LogLevel.Information, Message = "Serving certificate loaded from {Path}: subject {Subject}, expires {NotAfter:u}, thumbprint {Thumbprint}")]
    private static partial void LogLoaded(ILogger logger, string path, string subject, DateTime notAfter, string thumbprint);

    [LoggerMessage(EventId = EventIds.CertificateReloaded, Level = LogLevel.Information, Message = "Serving certificate reloaded from {Path}: subject {Subject}, expires {NotAfter:u}, thumbprint {Thumbprint}")]
    private static partial void LogReloaded(ILogger logger, string path, string subject, DateTime notAfter, string thumbprint);

    [LoggerMessage(EventId = EventIds.CertificateCheckFailed, Level = LogLevel.Error, Message = "Checking the certificate files failed; trying again at the next interval")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventIds.CertificateReloadFailed, Level = LogLevel.Warning, Message = "New certificate files cannot be used, still serving the previous certificate ({Thumbprint}): {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason, string thumbprint);
}

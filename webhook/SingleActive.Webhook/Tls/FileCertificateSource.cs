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
    private readonly string certFile;
    private readonly string keyFile;
    private readonly WebhookMetrics metrics;
    private readonly ILogger<FileCertificateSource> logger;
    private readonly ITimer timer;
    private readonly Lock pollGate = new();
    private volatile ServingCertificate current;
    private string? lastFailedHash;

    public FileCertificateSource(IOptions<TlsOptions> options, TimeProvider timeProvider, WebhookMetrics metrics, ILogger<FileCertificateSource> logger)
    {
        var tls = options.Value;
        certFile = tls.CertFile ?? throw new CertificateLoadException($"{CertificateFiles.CertFlag} (Tls:CertFile) is required");
        keyFile = tls.KeyFile ?? throw new CertificateLoadException($"{CertificateFiles.KeyFlag} (Tls:KeyFile) is required");
        this.metrics = metrics;
        this.logger = logger;
        current = CertificateFiles.Load(certFile, keyFile);
        this.metrics.SetCertificateNotAfter(current.Certificate.NotAfter);
        LogLoaded(this.logger, RealPath.Resolve(certFile), current.Certificate.Subject, current.Certificate.NotAfter, current.Certificate.Thumbprint);
        this.timer = timeProvider.CreateTimer(_ => PollFromTimer(), null, tls.ReloadInterval, tls.ReloadInterval);
    }

    public X509Certificate2 Current => current.Certificate;

    public IReadOnlyList<X509Certificate2> Intermediates => current.Intermediates;

    /// <summary>Checks the files once; true when a new certificate was loaded. The timer calls it; tests may too.</summary>
    public bool Poll()
    {
        lock (pollGate)
        {
            byte[] cert, key;
            try
            {
                (cert, key) = CertificateFiles.ReadPair(certFile, keyFile);
            }
            catch (CertificateLoadException e)
            {
                // Mid-swap a file may be missing for an instant; the next poll sees the finished state.
                ReportFailure("unreadable:" + e.Message, e);
                return false;
            }

            var hash = CertificateFiles.Hash(cert, key);
            if (hash == current.ContentHash || hash == lastFailedHash)
            {
                return false;
            }

            ServingCertificate loaded;
            try
            {
                loaded = CertificateFiles.Parse(certFile, cert, keyFile, key);
            }
            catch (CertificateLoadException e)
            {
                ReportFailure(hash, e);
                return false;
            }

            // The old certificate is not disposed: handshakes in progress may still hold it.
            current = loaded;
            lastFailedHash = null;
            this.metrics.SetCertificateNotAfter(loaded.Certificate.NotAfter);
            this.metrics.CertificateReloads.Inc();
            LogReloaded(this.logger, RealPath.Resolve(certFile), loaded.Certificate.Subject, loaded.Certificate.NotAfter, loaded.Certificate.Thumbprint);
            return true;
        }
    }

    public void Dispose() => this.timer.Dispose();

    /// <summary>An exception escaping a timer callback would end the process; a failed check only waits for the next.</summary>
    private void PollFromTimer()
    {
        try
        {
            Poll();
        }
        catch (Exception e)
        {
            LogPollFailed(this.logger, e);
        }
    }

    private void ReportFailure(string failureKey, CertificateLoadException e)
    {
        if (failureKey == lastFailedHash)
        {
            return;
        }

        lastFailedHash = failureKey;
        this.metrics.CertificateReloadFailures.Inc();
        LogReloadFailed(this.logger, e.Message, current.Certificate.Thumbprint);
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

using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SingleActive.Core.Errors;
using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// The self-signed mode's loop, on every replica, every <see cref="SelfSignedOptions.PollInterval"/>:
/// try to hold the writer Lease; as the writer, create or renew the Secret's certificates and keep the
/// webhook configuration's caBundle equal to the Secret's CA bundle; on every replica, read the Secret
/// and serve its certificate. The first certificate is awaited before the server listens.
/// </summary>
public sealed class SelfSignedCertificateManager : IHostedService, IDisposable
{
    private readonly SelfSignedOptions _options;
    private readonly ClusterConnection _connection;
    private readonly WebhookMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SelfSignedCertificateManager> _logger;
    private readonly CertificateWriter _writer;
    private readonly string _secretDescription;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _initGate = new();
    private Task? _initialized;
    private Task? _loop;
    private CertificateLeaseLock? _lease;
    private readonly CertificateSecretClient _secrets;
    private CaBundleKeeper? _caBundle;
    private bool _isWriter;
    private int _disposed;

    public SelfSignedCertificateManager(
        IOptions<SelfSignedOptions> options, ClusterConnection connection, WebhookMetrics metrics, TimeProvider timeProvider, ILogger<SelfSignedCertificateManager> logger)
    {
        _options = options.Value;
        _connection = connection;
        _metrics = metrics;
        _time = timeProvider;
        _logger = logger;
        _secrets = new CertificateSecretClient(_options, logger);
        _writer = new CertificateWriter(_options, new CertificateIssuer(_options, timeProvider), _secrets, timeProvider, logger);
        _secretDescription = $"{_options.Namespace}/{_options.SecretName}";
        Source = new SecretCertificateSource(_secretDescription);
    }

    public SecretCertificateSource Source { get; }

    /// <summary>True while this replica holds the writer Lease.</summary>
    public bool IsWriter => _isWriter;

    /// <summary>Completes once a certificate is served; fails after <see cref="SelfSignedOptions.StartupTimeout"/> with the last problem seen.</summary>
    public Task InitializeAsync()
    {
        lock (_initGate)
        {
            return _initialized ??= WaitForFirstCertificateAsync(_stopping.Token);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_isWriter && _lease is not null)
        {
            try
            {
                await _lease.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                SelfSignedLog.Released(_logger, _options.LeaseName);
            }
            catch (Exception e)
            {
                // Best effort, never a failed shutdown: the Lease then simply expires.
                SelfSignedLog.PollFailed(_logger, $"could not release Lease {_options.LeaseName}: {ErrorText.Of(e)}", null);
            }
        }
    }

    /// <summary>One round of the loop; returns the problem that kept it from a served certificate, if any. Tests call it directly.</summary>
    public async Task<string?> PollOnceAsync(CancellationToken cancellationToken)
    {
        var client = _connection.Client ?? throw new InvalidOperationException(
            $"self-signed mode (--self-signed-secret {_options.SecretName}) needs the Kubernetes API: {_connection.Description}");
        _lease ??= new CertificateLeaseLock(client, _options.Namespace!, _options.LeaseName, _options.Identity!, _options.LeaseDuration, _time);
        _caBundle ??= new CaBundleKeeper(client, _options.WebhookConfiguration, _logger);
        try
        {
            await ElectAsync(cancellationToken).ConfigureAwait(false);
            var (secret, current) = await _secrets.ReadAsync(client, cancellationToken).ConfigureAwait(false);
            if (_isWriter)
            {
                current = await _writer.WriteAsync(client, _caBundle, secret, current, cancellationToken).ConfigureAwait(false) ?? current;
            }

            if (current is null)
            {
                return _secrets.LastProblem ?? $"Secret {_secretDescription} has no certificate yet (the writer creates it)";
            }

            if (Source.Update(current.Serving))
            {
                _metrics.CertificateReloads.Inc();
                _metrics.SetCertificateNotAfter(current.Serving.NotAfter.ToUniversalTime());
                SelfSignedLog.Serving(_logger, _secretDescription, current.Serving.Subject, current.Serving.NotAfter.ToUniversalTime(), current.Serving.Thumbprint);
            }

            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var problem = SelfSignedErrorText.Describe(e);
            SelfSignedLog.PollFailed(_logger, problem, null);
            _metrics.CertificateReloadFailures.Inc();
            return problem;
        }
    }

    public void Dispose()
    {
        // Registered both as itself and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task WaitForFirstCertificateAsync(CancellationToken cancellationToken)
    {
        SelfSignedLog.Started(_logger, _secretDescription, _options.WebhookConfiguration, $"{_options.Namespace}/{_options.LeaseName}", _options.Identity!);
        var deadline = _time.GetUtcNow() + _options.StartupTimeout;
        // Quicker than the poll interval at start: the writer may be creating the Secret right now.
        var retry = _options.PollInterval < TimeSpan.FromSeconds(1) ? _options.PollInterval : TimeSpan.FromSeconds(1);
        while (true)
        {
            var problem = await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            if (Source.HasCertificate)
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new InvalidOperationException(
                    $"self-signed mode: no serving certificate in Secret {_secretDescription} after {_options.StartupTimeout}: {problem}");
            }

            await Task.Delay(retry, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await PollOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The loop must outlive any one bad poll: it alone renews the certificate.
                    SelfSignedLog.PollFailed(_logger, ErrorText.Of(e), e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ElectAsync(CancellationToken cancellationToken)
    {
        bool writer;
        try
        {
            writer = await _lease!.TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            // Without a renewed Lease this replica must not write; reading and serving go on.
            SelfSignedLog.PollFailed(_logger, $"Lease {_options.LeaseName}: " + SelfSignedErrorText.Describe(e), null);
            writer = false;
        }

        if (writer != _isWriter)
        {
            if (writer)
            {
                SelfSignedLog.BecameWriter(_logger, _options.LeaseName);
            }
            else
            {
                SelfSignedLog.StoppedWriting(_logger, _options.LeaseName);
            }

            _isWriter = writer;
        }
    }
}

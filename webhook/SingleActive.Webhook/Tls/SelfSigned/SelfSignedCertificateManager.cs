using System.Net;
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
    private readonly CertificateIssuer _issuer;
    private readonly string _secretDescription;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _initGate = new();
    private Task? _initialized;
    private Task? _loop;
    private CertificateLeaseLock? _lease;
    private CaBundlePatcher? _patcher;
    private bool _isWriter;
    private bool _configurationMissingLogged;
    private string? _lastResourceVersion;
    private CertificateSecret? _lastParsed;
    private string? _lastProblem;
    private int _disposed;

    public SelfSignedCertificateManager(
        IOptions<SelfSignedOptions> options, ClusterConnection connection, WebhookMetrics metrics, TimeProvider timeProvider, ILogger<SelfSignedCertificateManager> logger)
    {
        _options = options.Value;
        _connection = connection;
        _metrics = metrics;
        _time = timeProvider;
        _logger = logger;
        _issuer = new CertificateIssuer(_options, timeProvider);
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
        _patcher ??= new CaBundlePatcher(client, _options.WebhookConfiguration);
        try
        {
            await ElectAsync(cancellationToken).ConfigureAwait(false);
            var (secret, current) = await ReadSecretAsync(client, cancellationToken).ConfigureAwait(false);
            if (_isWriter)
            {
                current = await WriteAsync(client, secret, current, cancellationToken).ConfigureAwait(false) ?? current;
            }

            if (current is null)
            {
                return _lastProblem ?? $"Secret {_secretDescription} has no certificate yet (the writer creates it)";
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
            var problem = Describe(e);
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
            SelfSignedLog.PollFailed(_logger, $"Lease {_options.LeaseName}: " + Describe(e), null);
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

    private async Task<(V1Secret? Secret, CertificateSecret? Parsed)> ReadSecretAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(_options.SecretName, _options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }

        // Parse only what changed: a poll every few seconds must not mint key objects each time.
        if (secret.Metadata?.ResourceVersion is { } version && version == _lastResourceVersion)
        {
            return (secret, _lastParsed);
        }

        var parsed = CertificateSecret.TryRead(secret.Data, out var problem);
        _lastResourceVersion = secret.Metadata?.ResourceVersion;
        _lastParsed = parsed;
        _lastProblem = problem is null ? null : $"Secret {_secretDescription}: {problem}";
        if (problem is not null)
        {
            SelfSignedLog.SecretUnusable(_logger, _secretDescription, problem);
        }

        return (secret, parsed);
    }

    /// <summary>The writer's part. Returns the newly written contents, or null when nothing was written.</summary>
    private async Task<CertificateSecret?> WriteAsync(IKubernetes client, V1Secret? secret, CertificateSecret? current, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var action = CertificateRenewal.Decide(current, _options, now);
        var next = _issuer.Issue(action, current);
        if (next is not null)
        {
            // A new CA must be trusted before any replica can serve a certificate it signed.
            if (action == RenewalAction.RotateAuthority)
            {
                await EnsureCaBundleAsync(next, now, cancellationToken).ConfigureAwait(false);
            }

            if (!await StoreAsync(client, secret, next, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            SelfSignedLog.Issued(_logger, _secretDescription, action, next.Serving.NotAfter.ToUniversalTime(), CertificateRenewal.RenewAt(next.Serving, _options.CertificateValidity), next.Authority.NotAfter.ToUniversalTime());
        }

        if ((next ?? current) is { } stored)
        {
            await EnsureCaBundleAsync(stored, now, cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    private async Task<bool> StoreAsync(IKubernetes client, V1Secret? existing, CertificateSecret contents, CancellationToken cancellationToken)
    {
        try
        {
            V1Secret written;
            if (existing is null)
            {
                var created = new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Type = CertificateSecret.SecretType,
                    Metadata = new V1ObjectMeta
                    {
                        Name = _options.SecretName,
                        NamespaceProperty = _options.Namespace,
                        Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "single-active-webhook" },
                    },
                    Data = contents.ToData(),
                };
                written = await client.CoreV1.CreateNamespacedSecretAsync(created, _options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // metadata.resourceVersion is kept: a concurrent writer makes this a 409, not a lost update.
                existing.Data = contents.ToData();
                existing.Metadata.ManagedFields = null; // kept by the server; the Aot serializer cannot write FieldsV1
                written = await client.CoreV1.ReplaceNamespacedSecretAsync(existing, _options.SecretName, _options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            _lastResourceVersion = written.Metadata?.ResourceVersion;
            _lastParsed = contents;
            _lastProblem = null;
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Someone else wrote first; the next poll reads their result.
            return false;
        }
    }

    private async Task EnsureCaBundleAsync(CertificateSecret contents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = await _patcher!.EnsureAsync(contents.CaBundlePem(now), cancellationToken).ConfigureAwait(false);
        if (changed is null)
        {
            if (!_configurationMissingLogged)
            {
                SelfSignedLog.ConfigurationMissing(_logger, _options.WebhookConfiguration);
                _configurationMissingLogged = true;
            }

            return;
        }

        _configurationMissingLogged = false;
        if (changed > 0)
        {
            SelfSignedLog.CaBundlePatched(_logger, changed.Value, _options.WebhookConfiguration);
        }
    }

    /// <summary>A 403 names the permission, so a missing RBAC rule is found from the log line alone.</summary>
    private static string Describe(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } http =>
            $"the API server answered {(int)response.StatusCode} {response.StatusCode}: {Truncate(response.Content)} ({http.Message})",
        _ => ErrorText.Of(e),
    };

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 400 ? text : text[..400] + "...";
}

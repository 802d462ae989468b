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
    private readonly SelfSignedOptions options;
    private readonly ClusterConnection connection;
    private readonly WebhookMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger<SelfSignedCertificateManager> logger;
    private readonly CertificateWriter writer;
    private readonly string secretDescription;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock initGate = new();
    private Task? initialized;
    private Task? loop;
    private CertificateLeaseLock? lease;
    private readonly CertificateSecretClient secrets;
    private CaBundleKeeper? caBundle;
    private bool isWriter;
    private int disposed;

    public SelfSignedCertificateManager(
        IOptions<SelfSignedOptions> options, ClusterConnection connection, WebhookMetrics metrics, TimeProvider timeProvider, ILogger<SelfSignedCertificateManager> logger)
    {
        this.options = options.Value;
        this.connection = connection;
        this.metrics = metrics;
        time = timeProvider;
        this.logger = logger;
        secrets = new CertificateSecretClient(this.options, logger);
        this.writer = new CertificateWriter(this.options, new CertificateIssuer(this.options, timeProvider), secrets, timeProvider, logger);
        secretDescription = $"{this.options.Namespace}/{this.options.SecretName}";
        Source = new SecretCertificateSource(secretDescription);
    }

    public SecretCertificateSource Source { get; }

    /// <summary>True while this replica holds the writer Lease.</summary>
    public bool IsWriter => isWriter;

    /// <summary>Completes once a certificate is served; fails after <see cref="SelfSignedOptions.StartupTimeout"/> with the last problem seen.</summary>
    public Task InitializeAsync()
    {
        lock (initGate)
        {
            return initialized ??= WaitForFirstCertificateAsync(stopping.Token);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        this.loop = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (this.loop is not null)
        {
            await this.loop.ConfigureAwait(false);
        }

        if (isWriter && lease is not null)
        {
            try
            {
                await lease.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                SelfSignedLog.Released(this.logger, this.options.LeaseName);
            }
            catch (Exception e)
            {
                // Best effort, never a failed shutdown: the Lease then simply expires.
                SelfSignedLog.PollFailed(this.logger, $"could not release Lease {this.options.LeaseName}: {ErrorText.Of(e)}", null);
            }
        }
    }

    /// <summary>One round of the loop; returns the problem that kept it from a served certificate, if any. Tests call it directly.</summary>
    public async Task<string?> PollOnceAsync(CancellationToken cancellationToken)
    {
        var client = this.connection.Client ?? throw new InvalidOperationException(
            $"self-signed mode (--self-signed-secret {this.options.SecretName}) needs the Kubernetes API: {this.connection.Description}");
        lease ??= new CertificateLeaseLock(client, this.options.Namespace!, this.options.LeaseName, this.options.Identity!, this.options.LeaseDuration, time);
        this.caBundle ??= new CaBundleKeeper(client, this.options.WebhookConfiguration, this.logger);
        try
        {
            await ElectAsync(cancellationToken).ConfigureAwait(false);
            var (secret, current) = await secrets.ReadAsync(client, cancellationToken).ConfigureAwait(false);
            if (isWriter)
            {
                current = await this.writer.WriteAsync(client, this.caBundle, secret, current, cancellationToken).ConfigureAwait(false) ?? current;
            }

            if (current is null)
            {
                return secrets.LastProblem ?? $"Secret {secretDescription} has no certificate yet (the writer creates it)";
            }

            if (Source.Update(current.Serving))
            {
                this.metrics.CertificateReloads.Inc();
                this.metrics.SetCertificateNotAfter(current.Serving.NotAfter.ToUniversalTime());
                SelfSignedLog.Serving(this.logger, secretDescription, current.Serving.Subject, current.Serving.NotAfter.ToUniversalTime(), current.Serving.Thumbprint);
            }

            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var problem = SelfSignedErrorText.Describe(e);
            SelfSignedLog.PollFailed(this.logger, problem, null);
            this.metrics.CertificateReloadFailures.Inc();
            return problem;
        }
    }

    public void Dispose()
    {
        // Registered both as itself and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        stopping.Cancel();
        stopping.Dispose();
    }

    private async Task WaitForFirstCertificateAsync(CancellationToken cancellationToken)
    {
        SelfSignedLog.Started(this.logger, secretDescription, this.options.WebhookConfiguration, $"{this.options.Namespace}/{this.options.LeaseName}", this.options.Identity!);
        var deadline = time.GetUtcNow() + this.options.StartupTimeout;
        // Quicker than the poll interval at start: the writer may be creating the Secret right now.
        var retry = this.options.PollInterval < TimeSpan.FromSeconds(1) ? this.options.PollInterval : TimeSpan.FromSeconds(1);
        while (true)
        {
            var problem = await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            if (Source.HasCertificate)
            {
                return;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new InvalidOperationException(
                    $"self-signed mode: no serving certificate in Secret {secretDescription} after {this.options.StartupTimeout}: {problem}");
            }

            await Task.Delay(retry, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(this.options.PollInterval, time);
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
                    SelfSignedLog.PollFailed(this.logger, ErrorText.Of(e), e);
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
            writer = await lease!.TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            // Without a renewed Lease this replica must not write; reading and serving go on.
            SelfSignedLog.PollFailed(this.logger, $"Lease {this.options.LeaseName}: " + SelfSignedErrorText.Describe(e), null);
            writer = false;
        }

        if (writer != isWriter)
        {
            if (writer)
            {
                SelfSignedLog.BecameWriter(this.logger, this.options.LeaseName);
            }
            else
            {
                SelfSignedLog.StoppedWriting(this.logger, this.options.LeaseName);
            }

            isWriter = writer;
        }
    }
}

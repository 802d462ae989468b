using System.Globalization;
using System.Net.Sockets;
using SingleActive.Contract;

namespace SingleActive.Elector.Health;

/// <summary>
/// Runs the app's readinessProbe the way the kubelet does (pkg/probe/http, pkg/probe/tcp): against the pod IP unless
/// the probe names a host, HTTPS without verifying the certificate, the probe's headers (a <c>Host</c> header sets
/// the request's host), a fresh connection per probe, <c>timeoutSeconds</c>, and any status from 200 to 399 counting
/// as healthy. A failure throws with its reason (refused, timed out, HTTP 503…), which <see cref="AppHealthMonitor"/> logs.
/// </summary>
public sealed class ProbeAppHealthCheck : IAppHealthCheck, IDisposable
{
    /// <summary>What the kubelet sends (kube-probe/&lt;version&gt;); apps that filter probes by it keep working.</summary>
    public const string UserAgent = "kube-probe/single-active-elector";

    private readonly AppProbeSpec spec;
    private readonly string host;
    private readonly TimeSpan timeout;
    private readonly HttpClient? client;
    private readonly Uri? url;

    /// <param name="podIp">The pod's IP (downward API <c>status.podIP</c>); loopback when unknown.</param>
    public ProbeAppHealthCheck(AppProbeSpec spec, string? podIp)
    {
        ArgumentNullException.ThrowIfNull(spec);
        this.spec = spec;
        this.host = spec.Host.Length > 0 ? spec.Host : string.IsNullOrWhiteSpace(podIp) ? "127.0.0.1" : podIp.Trim();
        this.timeout = TimeSpan.FromSeconds(spec.TimeoutSeconds);
        if (!spec.Tcp)
        {
            client = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
            })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            var host = this.host.Contains(':', StringComparison.Ordinal) && !this.host.StartsWith('[') ? "[" + this.host + "]" : this.host;
            url = new Uri(string.Create(CultureInfo.InvariantCulture, $"{spec.Scheme}://{host}:{spec.Port}{spec.Path}"));
        }
    }

    /// <summary>The probe's target, for logs.</summary>
    public string Target => url?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"tcp://{this.host}:{this.spec.Port}");

    /// <param name="timeout">Ignored: the probe's own <c>timeoutSeconds</c> applies, as for the kubelet.</param>
    public async Task<bool> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(this.timeout);
        try
        {
            if (client is null)
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(this.host, this.spec.Port, deadline.Token).ConfigureAwait(false);
                return true;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.ConnectionClose = true;
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "*/*");
            foreach (var (name, value) in this.spec.Headers)
            {
                if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Host = value;
                    continue;
                }

                // A probe's header replaces the default of the same name, as in the kubelet.
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 400
                ? true
                : throw new AppProbeFailedException(string.Create(CultureInfo.InvariantCulture, $"GET {url} answered HTTP {status}"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AppProbeFailedException($"{Target} did not answer within {this.spec.TimeoutSeconds} s (the probe's timeoutSeconds)");
        }
        catch (Exception e) when (e is SocketException or HttpRequestException)
        {
            throw new AppProbeFailedException($"{Target}: {e.Message}", e);
        }
    }

    public void Dispose() => client?.Dispose();
}

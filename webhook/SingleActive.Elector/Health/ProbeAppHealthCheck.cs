using System.Globalization;
using System.Net.Sockets;
using SingleActive.Contract;

namespace SingleActive.Elector.Health;

/// <summary>
/// Runs the app's readinessProbe the way the kubelet does (pkg/probe/http, pkg/probe/tcp): against the pod IP unless
/// the probe names a host, HTTPS without verifying the certificate, the probe's headers (a <c>Host</c> header sets
/// the request's host), a fresh connection per probe, <c>timeoutSeconds</c> for the whole probe, redirects followed
/// while they stay on the probed host, and any final status from 200 to 399 counting as healthy. A failure throws with
/// its reason (refused, timed out, HTTP 503…), which <see cref="AppHealthMonitor"/> logs.
/// </summary>
public sealed class ProbeAppHealthCheck : IAppHealthCheck, IDisposable
{
    /// <summary>What the kubelet sends (kube-probe/&lt;version&gt;); apps that filter probes by it keep working.</summary>
    public const string UserAgent = "kube-probe/single-active-elector";

    /// <summary>The most requests one probe makes, the first and the redirects it follows (Go's client: 10).</summary>
    private const int MaxRequests = 10;

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
        Uri? target = null; // The URL asked now: after a redirect, not the probe's own.
        try
        {
            if (client is null)
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(this.host, this.spec.Port, deadline.Token).ConfigureAwait(false);
                return true;
            }

            // The kubelet's client (Go's) follows 301, 302, 303, 307 and 308 to the probed host (any port or scheme), at most
            // 10 requests in all, and stops at one to another host, whose 3xx then counts as healthy (pkg/probe/http:
            // RedirectChecker(false), and DoHTTPProbe's "Probe terminated redirects" warning).
            target = url!;
            var hostHeader = true;
            for (var requests = 1; ; requests++)
            {
                using var request = Request(target, hostHeader);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.NonValidated.Contains("Location"))
                {
                    // As Go's client: a Location that is no URL, or not an HTTP one, fails the probe.
                    if (response.Headers.Location is not { } location
                        || (location.IsAbsoluteUri ? location : new Uri(target, location)) is not { Scheme: "http" or "https" } next)
                    {
                        throw new AppProbeFailedException(string.Create(CultureInfo.InvariantCulture,
                            $"GET {target} answered HTTP {status} with Location \"{response.Headers.NonValidated["Location"]}\", which is not an http or https URL"));
                    }

                    if (!string.Equals(next.Host, url!.Host, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }

                    if (requests == MaxRequests)
                    {
                        throw new AppProbeFailedException(string.Create(CultureInfo.InvariantCulture, $"GET {url}: stopped after {MaxRequests} redirects (the last to {next})"));
                    }

                    // As Go's client: the probe's Host header goes on only with a relative Location.
                    hostHeader &= !location.IsAbsoluteUri;
                    target = next;
                    continue;
                }

                return status is >= 200 and < 400
                    ? true
                    : throw new AppProbeFailedException(target == url
                        ? string.Create(CultureInfo.InvariantCulture, $"GET {url} answered HTTP {status}")
                        : string.Create(CultureInfo.InvariantCulture, $"GET {url} was redirected to {target}, which answered HTTP {status}"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AppProbeFailedException($"{Target} did not answer within {this.spec.TimeoutSeconds} s (the probe's timeoutSeconds)");
        }
        catch (Exception e) when (e is SocketException or HttpRequestException)
        {
            throw new AppProbeFailedException($"{target?.ToString() ?? Target}: {e.Message}", e);
        }
    }

    public void Dispose() => client?.Dispose();

    /// <summary>
    /// One GET as the kubelet builds it: its User-Agent and <c>Accept: */*</c> unless the probe sets them (an empty
    /// <c>Accept</c> sends none), then every probe header with every value, content headers included (pkg/probe/http/request.go).
    /// </summary>
    private HttpRequestMessage Request(Uri target, bool hostHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.ConnectionClose = true;
        var headers = this.spec.Headers;
        if (!headers.Any(h => string.Equals(h.Key, "User-Agent", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        if (!headers.Any(h => string.Equals(h.Key, "Accept", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("Accept", "*/*");
        }

        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = hostHeader ? value : null;
            }
            else if (value.Length == 0 && string.Equals(name, "Accept", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            else if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                // A content header (Content-Type, …): .NET keeps those on a request's content; the kubelet sends them on its GET.
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }
}

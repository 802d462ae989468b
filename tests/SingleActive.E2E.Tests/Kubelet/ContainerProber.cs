using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Runs one container's probe the way the kubelet's prober worker does: a probe every
/// <c>periodSeconds</c>, none before <c>initialDelaySeconds</c>, each cut at <c>timeoutSeconds</c>, and the
/// result only flips after <c>successThreshold</c> / <c>failureThreshold</c> identical results in a row.
/// Readiness starts as failed, liveness as succeeded. Probes go from the node to the pod IP (the probe's
/// <c>host</c> if set): httpGet with its scheme, path and headers (a <c>Host</c> header sets the request's
/// host), HTTPS without verifying the certificate, redirects followed while they stay on the probed host (10 requests
/// at most; a Location that is no http(s) URL fails), 200–399 a success; tcpSocket a completed connect. exec and gRPC
/// probes have no process to run in here and count as passing.
/// </summary>
internal sealed class ContainerProber
{
    private readonly V1Probe probe;
    private readonly ProbeTarget target;
    private readonly Func<IntOrString, int?> port;
    private readonly Action<bool> changed;
    private readonly Stopwatch sinceStart = Stopwatch.StartNew();
    private bool? lastResult;
    private int run;

    public ContainerProber(V1Probe probe, bool isReadiness, ProbeTarget target, Func<IntOrString, int?> port, Action<bool> changed)
    {
        this.probe = probe;
        this.target = target;
        this.port = port;
        this.changed = changed;
        Result = !isReadiness;
    }

    public bool Result { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, this.probe.PeriodSeconds ?? 10));
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            if (sinceStart.Elapsed >= TimeSpan.FromSeconds(this.probe.InitialDelaySeconds ?? 0))
            {
                Record(await ProbeOnceAsync(cancellationToken));
            }

            var wait = period - Stopwatch.GetElapsedTime(started);
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(bool success)
    {
        this.run = success == lastResult ? this.run + 1 : 1;
        lastResult = success;
        var threshold = success ? Math.Max(1, this.probe.SuccessThreshold ?? 1) : Math.Max(1, this.probe.FailureThreshold ?? 3);
        if (this.run >= threshold && Result != success)
        {
            Result = success;
            this.changed(success);
        }
    }

    private async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, this.probe.TimeoutSeconds ?? 1)));
        try
        {
            if (this.probe.HttpGet is { } get)
            {
                if (this.port(get.Port) is not { } port)
                {
                    return false;
                }

                var host = string.IsNullOrEmpty(get.Host) ? this.target.PodIp : IPAddress.Parse(get.Host);
                var scheme = string.Equals(get.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
                var path = string.IsNullOrEmpty(get.Path) ? "/" : get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
                var authority = host.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
                var first = new Uri($"{scheme}://{authority}:{port}{path}");
                var target = first;
                var hostHeader = true;

                // As the kubelet's Go client (pkg/probe/http, RedirectChecker(false)): 301, 302, 303, 307 and 308 are
                // followed while they stay on the probed host, 10 requests at most (more fail the probe); a redirect to
                // another host is not followed and its 3xx counts as a success.
                for (var requests = 1; ; requests++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, target);
                    request.Headers.ConnectionClose = true;
                    AddHeaders(request, get.HttpHeaders ?? [], hostHeader);
                    using var response = await this.target.Network.Http.SendAsync(request, timeout.Token);
                    var status = (int)response.StatusCode;
                    if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.NonValidated.Contains("Location"))
                    {
                        // A Location that is no URL, or not an HTTP one, fails the probe in Go's client.
                        if (response.Headers.Location is not { } location
                            || (location.IsAbsoluteUri ? location : new Uri(target, location)) is not { Scheme: "http" or "https" } next)
                        {
                            return false;
                        }

                        if (!string.Equals(next.Host, first.Host, StringComparison.OrdinalIgnoreCase))
                        {
                            return true;
                        }

                        if (requests == 10)
                        {
                            return false;
                        }

                        hostHeader &= !location.IsAbsoluteUri; // Go keeps a custom Host only through a relative redirect.
                        target = next;
                        continue;
                    }

                    return status is >= 200 and < 400;
                }
            }

            if (this.probe.TcpSocket is { } tcp)
            {
                if (this.port(tcp.Port) is not { } port)
                {
                    return false;
                }

                var host = string.IsNullOrEmpty(tcp.Host) ? this.target.PodIp : IPAddress.Parse(tcp.Host);
                using var socket = await this.target.Network.ConnectAsync(new DnsEndPoint(host.ToString(), port), timeout.Token);
                return true;
            }

            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The kubelet's request headers (pkg/probe/http/request.go): every probe header with every value (a <c>Host</c>
    /// header sets the request's host), and its own <c>User-Agent</c> and <c>Accept: */*</c> only where the probe sets
    /// none of that name; a probe's empty <c>Accept</c> sends none.
    /// </summary>
    private static void AddHeaders(HttpRequestMessage request, IList<V1HTTPHeader> headers, bool hostHeader)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = hostHeader ? header.Value : null;
            }
            else if (!(string.Equals(header.Name, "Accept", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(header.Value))
                && !request.Headers.TryAddWithoutValidation(header.Name, header.Value))
            {
                // A content header (Content-Type, …): the kubelet sends it on its GET too.
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value);
            }
        }

        if (!headers.Any(h => string.Equals(h.Name, "User-Agent", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/1.20");
        }

        if (!headers.Any(h => string.Equals(h.Name, "Accept", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("Accept", "*/*");
        }
    }
}

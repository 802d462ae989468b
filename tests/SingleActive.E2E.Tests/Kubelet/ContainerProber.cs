using System.Diagnostics;
using System.Net.Sockets;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Runs one container's probe the way the kubelet's prober worker does: a probe every
/// <c>periodSeconds</c>, none before <c>initialDelaySeconds</c>, each cut at <c>timeoutSeconds</c>
/// (HTTP 200–399 is success), and the result only flips after <c>successThreshold</c> /
/// <c>failureThreshold</c> identical results in a row. Readiness starts as failed, liveness as
/// succeeded. Ports are the container's, mapped to loopback ports by the caller.
/// </summary>
internal sealed class ContainerProber
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    });

    private readonly V1Probe _probe;
    private readonly Func<IntOrString, int?> _localPort;
    private readonly Action<bool> _changed;
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private bool? _lastResult;
    private int _run;

    public ContainerProber(V1Probe probe, bool isReadiness, Func<IntOrString, int?> localPort, Action<bool> changed)
    {
        _probe = probe;
        _localPort = localPort;
        _changed = changed;
        Result = !isReadiness;
    }

    public bool Result { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, _probe.PeriodSeconds ?? 10));
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            if (_sinceStart.Elapsed >= TimeSpan.FromSeconds(_probe.InitialDelaySeconds ?? 0))
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
        _run = success == _lastResult ? _run + 1 : 1;
        _lastResult = success;
        var threshold = success ? Math.Max(1, _probe.SuccessThreshold ?? 1) : Math.Max(1, _probe.FailureThreshold ?? 3);
        if (_run >= threshold && Result != success)
        {
            Result = success;
            _changed(success);
        }
    }

    private async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _probe.TimeoutSeconds ?? 1)));
        try
        {
            if (_probe.HttpGet is { } get)
            {
                if (_localPort(get.Port) is not { } port)
                {
                    return false;
                }

                var scheme = string.Equals(get.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
                var path = string.IsNullOrEmpty(get.Path) ? "/" : get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://127.0.0.1:{port}{path}");
                request.Headers.ConnectionClose = true;
                request.Headers.UserAgent.ParseAdd("kube-probe/1.20");
                foreach (var header in get.HttpHeaders ?? [])
                {
                    request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                }

                using var response = await Http.SendAsync(request, timeout.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }

            if (_probe.TcpSocket is { } tcp)
            {
                if (_localPort(tcp.Port) is not { } port)
                {
                    return false;
                }

                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
                return true;
            }

            // exec and gRPC probes have no process to run in: count them as passing.
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}

using System.Globalization;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The app container's readinessProbe as the elector will run it (<see cref="AppProbeSpec"/>), so that leadership
/// follows the app's health exactly as the kubelet judges it: the same target (the pod IP unless the probe sets
/// <c>host</c>), scheme without certificate verification, headers, timeout, period and failure threshold.
/// httpGet and tcpSocket probes can be mirrored; exec and grpc probes cannot (they run inside the app's container,
/// or need a gRPC client the elector does not carry), and a warning naming the container says so.
/// </summary>
public static class AppProbes
{
    /// <summary>Null when the container has no readinessProbe, or one that cannot be mirrored (<paramref name="warning"/> says why).</summary>
    public static AppProbeSpec? From(V1Container? app, out string? warning)
    {
        warning = null;
        if (app?.ReadinessProbe is not { } probe)
        {
            return null;
        }

        var (tcp, scheme, host, portValue, path, headers) = probe switch
        {
            { HttpGet: { } get } => (false, string.IsNullOrEmpty(get.Scheme) ? "http" : get.Scheme.ToLowerInvariant(), get.Host, get.Port?.Value, get.Path, get.HttpHeaders),
            { TcpSocket: { } socket } => (true, "tcp", socket.Host, socket.Port?.Value, null, null),
            _ => (false, null, null, null, null, null),
        };
        if (scheme is null)
        {
            var kind = probe.Exec is not null ? "exec" : probe.Grpc is not null ? "grpc" : "unknown";
            warning = $"single-active: the readinessProbe of container \"{app.Name}\" is {(kind == "exec" ? "an" : "a")} {kind} probe, which the elector cannot run as the kubelet does; " +
                "leadership will not follow this probe, only whether the container runs (the elector's own readiness still decides). Use an httpGet or tcpSocket probe for that";
            return null;
        }

        if (ResolvePort(portValue, app) is not { } port)
        {
            warning = $"single-active: container \"{app.Name}\" has a readinessProbe on port \"{portValue}\", which is not one of its named ports; " +
                "leadership will not follow the app's health";
            return null;
        }

        if (!tcp && scheme is not ("http" or "https"))
        {
            warning = $"single-active: the readinessProbe of container \"{app.Name}\" has scheme \"{scheme}\"; leadership will not follow the app's health";
            return null;
        }

        var normalizedPath = string.IsNullOrEmpty(path) ? "/" : path.StartsWith('/') ? path : "/" + path;
        return new AppProbeSpec(
            tcp,
            tcp ? "http" : scheme,
            host ?? "",
            port,
            normalizedPath,
            [.. (headers ?? []).Select(h => new KeyValuePair<string, string>(h.Name, h.Value ?? ""))],
            probe.TimeoutSeconds is > 0 and var timeout ? timeout : 1,
            probe.PeriodSeconds is > 0 and var period ? period : 10,
            probe.FailureThreshold is > 0 and var threshold ? threshold : 3);
    }

    private static int? ResolvePort(string? value, V1Container app)
    {
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number is >= 1 and <= 65535 ? number : null;
        }

        return app.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort;
    }
}

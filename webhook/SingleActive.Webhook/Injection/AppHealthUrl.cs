using System.Globalization;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The URL the elector polls so that leadership follows the app's health: the app container's own httpGet
/// readinessProbe (<see cref="AppContainers"/> says which container), called the way the kubelet would call it,
/// but from inside the pod. A probe the elector cannot call as the kubelet does is not followed, and a warning
/// naming the container says why: the kubelet sends the probe's <c>httpHeaders</c> (a <c>Host</c> header often
/// selects the virtual host) and does not verify HTTPS certificates, and the elector does neither, so following
/// such a probe would make a healthy app look unhealthy and keep it from ever leading.
/// </summary>
public static class AppHealthUrl
{
    /// <summary>Null when the container has no httpGet readinessProbe; <paramref name="warning"/> says why a probe was unusable.</summary>
    public static string? From(V1Container? app, out string? warning)
    {
        warning = null;
        if (app?.ReadinessProbe?.HttpGet is not { } get)
        {
            return null;
        }

        var port = ResolvePort(get.Port?.Value, app);
        if (port is null)
        {
            warning = $"single-active: container \"{app.Name}\" has a readinessProbe on port \"{get.Port?.Value}\", which is not one of its named ports; " +
                "leadership will not follow the app's health";
            return null;
        }

        if (get.HttpHeaders is { Count: > 0 } headers)
        {
            warning = $"single-active: the readinessProbe of container \"{app.Name}\" sends HTTP headers ({string.Join(", ", headers.Select(h => h.Name))}), " +
                "which the elector's health check does not send; leadership will not follow the app's health (the elector's own readiness still decides)";
            return null;
        }

        var scheme = string.IsNullOrEmpty(get.Scheme) ? "http" : get.Scheme.ToLowerInvariant();
        if (scheme != "http")
        {
            warning = $"single-active: the readinessProbe of container \"{app.Name}\" uses {get.Scheme}, and the kubelet does not verify the app's certificate " +
                "but the elector's health check would; leadership will not follow the app's health (the elector's own readiness still decides)";
            return null;
        }


        // The kubelet probes the pod IP unless host is set; from inside the pod, loopback reaches the same listener.
        var host = string.IsNullOrEmpty(get.Host) ? "127.0.0.1" : get.Host;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = "[" + host + "]";
        }

        var path = string.IsNullOrEmpty(get.Path) ? "/" : get.Path;
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{port}{path}");
    }

    private static int? ResolvePort(string? value, V1Container app)
    {
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return app.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort;
    }
}

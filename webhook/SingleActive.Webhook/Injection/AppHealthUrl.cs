using System.Globalization;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The URL the elector polls so that leadership follows the app's health: the first app container's
/// own httpGet readinessProbe, called the way the kubelet would call it, but from inside the pod.
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

        var scheme = string.IsNullOrEmpty(get.Scheme) ? "http" : get.Scheme.ToLowerInvariant();

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

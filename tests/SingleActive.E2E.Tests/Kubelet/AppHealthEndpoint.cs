using System.Net;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Stands in for an app container's HTTP health endpoint on a loopback port: 200 while healthy,
/// 503 otherwise, on any path. The app's own readinessProbe and the elector's app-health check
/// (SINGLE_ACTIVE_APP_PROBE, rewritten to this port) both ask it; a test flips it.
/// </summary>
internal sealed class AppHealthEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private volatile bool _healthy = true;

    public AppHealthEndpoint()
    {
        Port = LoopbackPorts.Reserve();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public int Port { get; }

    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var healthy = _healthy;
            context.Response.StatusCode = healthy ? 200 : 503;
            context.Response.KeepAlive = false;
            var body = healthy ? "ok"u8.ToArray() : "unhealthy (set by the test)"u8.ToArray();
            try
            {
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The prober gave up (timeout) before the answer; nothing to do.
            }
        }
    }
}

namespace SingleActive.Elector.Health;

/// <summary>
/// GET on the app's own readiness endpoint (the webhook copies it from the app's httpGet
/// readinessProbe); like the kubelet, any status from 200 to 399 is healthy.
/// </summary>
public sealed class HttpAppHealthCheck(Uri url) : IAppHealthCheck, IDisposable
{
    private readonly HttpClient client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    public async Task<bool> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return status is >= 200 and < 400;
    }

    public void Dispose() => client.Dispose();
}

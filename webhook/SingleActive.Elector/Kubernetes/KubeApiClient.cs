using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// JSON calls to the API server. The elector touches three small objects (its Lease, Events, its
/// pod's label), so it reads and writes them as <see cref="JsonNode"/>s instead of linking a typed
/// model of the whole Kubernetes API into the sidecar; that also keeps fields it does not model
/// (labels, newer Lease fields) intact on a read-modify-write.
/// </summary>
/// <remarks>
/// Every call has a deadline (<paramref name="callTimeout"/>, by default
/// <see cref="DefaultCallTimeout"/>; for a watch, until its response headers): a call to a silently
/// dead connection fails with a <see cref="TimeoutException"/> instead of wedging its caller for the
/// life of the process. Cancelling an HTTP/1.1 request closes its connection, and an abandoned call
/// also replaces the whole connection pool (<see cref="ClusterConnection.DropConnections"/>), so the
/// next call opens a new connection instead of trying idle ones that hang the same way. Callers may
/// pass a shorter deadline through their token (the election bounds each renew attempt by a
/// fraction of the renew deadline).
/// </remarks>
public sealed class KubeApiClient(ClusterConnection client, TimeProvider? time = null, TimeSpan? callTimeout = null) : IDisposable
{
    /// <summary>
    /// The elector's objects are tiny: the API server answers in milliseconds, and in well under a
    /// second under load. 10 s (the default renew deadline) only ends calls that will not come back.
    /// </summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly TimeSpan timeout = callTimeout ?? DefaultCallTimeout;

    public Uri BaseUri => client.BaseUri;

    /// <summary>The clock deadlines are timed on (callers time their own deadlines on it too).</summary>
    public TimeProvider Time => clock;

    /// <summary>The API server's CA bundle and how its certificate fared (see <see cref="ApiServerTrust"/>); null when none is configured.</summary>
    public ApiServerTrust? Trust => client.Trust;

    /// <summary>How often every connection was replaced because a call was abandoned (see <see cref="ClusterConnection.DropConnections"/>).</summary>
    public long PoolReplacements => client.PoolReplacements;

    public Task<JsonObject?> GetAsync(string path, CancellationToken cancellationToken) =>
        WithDeadlineAsync(HttpMethod.Get, path, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, path));
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadObjectAsync(response, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<JsonObject> SendJsonAsync(HttpMethod method, string path, JsonNode body, string contentType, CancellationToken cancellationToken) =>
        WithDeadlineAsync(method, path, async ct =>
        {
            using var request = new HttpRequestMessage(method, new Uri(client.BaseUri, path))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType),
            };
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            return await ReadObjectAsync(response, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Starts a streaming GET (a watch); the caller reads and disposes the response, and bounds the
    /// reading itself (the deadline here ends with the response headers).
    /// </summary>
    public Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken cancellationToken) =>
        WithDeadlineAsync(HttpMethod.Get, path, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, path));
            var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw await ErrorAsync(response, ct).ConfigureAwait(false);
                }
            }

            return response;
        }, cancellationToken);

    public void Dispose() => client.Dispose();

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false) as JsonObject
                ?? throw new KubeApiException(response.StatusCode, "the API server answered with something that is not a JSON object");
        }
    }

    private static async Task<KubeApiException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var message = text;
        try
        {
            // A metav1.Status says what went wrong in its message.
            if (JsonNode.Parse(text) is JsonObject status && status["message"]?.GetValue<string>() is { } m)
            {
                message = m;
            }
        }
        catch (JsonException)
        {
        }

        return new KubeApiException(response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {message}");
    }

    private async Task<T> WithDeadlineAsync<T>(HttpMethod method, string path, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await call(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            // Abandoned mid-call (closing its connection): the other idle connections may hang the same way.
            client.DropConnections();
            if (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{method} {path}: no answer from the API server within {Duration.Format(timeout)}", e);
            }

            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.Content is not null && request.Content.Headers.ContentType is null)
        {
            request.Content.Headers.ContentType = Json;
        }

        await client.AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        return await client.Http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// JSON calls to the API server. The elector touches three small objects (its Lease, Events, its
/// pod's label), so it reads and writes them as <see cref="JsonNode"/>s instead of linking a typed
/// model of the whole Kubernetes API into the sidecar; that also keeps fields it does not model
/// (labels, newer Lease fields) intact on a read-modify-write.
/// </summary>
public sealed class KubeApiClient(ClusterConnection client) : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public Uri BaseUri => client.BaseUri;

    public async Task<JsonObject?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, path));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonObject> SendJsonAsync(HttpMethod method, string path, JsonNode body, string contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(client.BaseUri, path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType),
        };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a streaming GET (a watch); the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, path));
        var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

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

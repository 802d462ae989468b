using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Raw JSON calls to the API server over KubernetesClient.Aot's authenticated HttpClient (its TLS
/// trust, bearer token and token-file refresh), without its typed operations.
/// </summary>
/// <remarks>
/// The typed operations resolve every model of the whole Kubernetes API through one
/// source-generated JSON context; calling even one of them links all of it into the binary, which
/// tripled the sidecar's resident memory (35 MB). The elector touches three small objects, so it
/// reads and writes them as <see cref="JsonNode"/>s, which also keeps fields it does not model
/// (labels, newer Lease fields) intact on a read-modify-write.
/// </remarks>
public sealed class KubeApiClient(k8s.Kubernetes client) : IDisposable
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

        if (client.Credentials is not null)
        {
            await client.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await client.HttpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }
}

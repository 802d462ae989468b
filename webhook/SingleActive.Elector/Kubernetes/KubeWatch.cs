using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Every watch the elector makes (its Lease, its own pod) is one object watched by name, read here, so all of them have
/// the same bounds: the server ends each after <see cref="TimeoutSeconds"/>, a client-side deadline ends it if the
/// server's end never comes, the call that opens it has <see cref="KubeApiClient"/>'s deadline, and its connection has
/// TCP keepalive (<see cref="ClusterConnection"/>). A watch that ends, however it ends, is the caller's cue to read the
/// object again and watch from there.
/// </summary>
public static class KubeWatch
{
    /// <summary>
    /// The server ends a watch after this long; the caller re-reads and watches again, so a silently dead connection
    /// is replaced at this pace too (the callers' polling or re-listing covers the gap).
    /// </summary>
    public const int TimeoutSeconds = 240;

    /// <summary>
    /// Client-side end of one watch, in case the server's never comes (a connection that died silently and keepalive
    /// has not caught yet, a proxy that holds it): the watch ends as if the server had ended it.
    /// </summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(TimeoutSeconds + 30);

    /// <summary>
    /// <c>fieldSelector=metadata.name=…</c>: the API server reads that one key (a list or watch narrowed to one
    /// object), and RBAC sees the name as the request's resource name.
    /// </summary>
    public static string NameSelector(string name) => "fieldSelector=" + Uri.EscapeDataString("metadata.name=" + name);

    /// <summary>The watch of the object <paramref name="name"/> in <paramref name="collection"/>, from <paramref name="resourceVersion"/> (null: from now).</summary>
    public static string PathFor(string collection, string name, string? resourceVersion) =>
        $"{collection}?watch=true&{NameSelector(name)}&timeoutSeconds={TimeoutSeconds}" +
        (resourceVersion is null ? string.Empty : "&resourceVersion=" + Uri.EscapeDataString(resourceVersion));

    /// <summary>
    /// The <c>ADDED</c>, <c>MODIFIED</c> and <c>DELETED</c> events of the watch at <paramref name="path"/> until the
    /// server ends it or <paramref name="deadline"/> passes (both simply end the sequence; so does a deadline that
    /// passes before the server answered). <c>BOOKMARK</c>s and newer event types are skipped.
    /// </summary>
    /// <exception cref="KubeApiException">The server refused the watch (e.g. 403 Forbidden), or ended it with an
    /// <c>ERROR</c> event (typically 410 Gone: the resourceVersion is too old).</exception>
    public static async IAsyncEnumerable<WatchEvent> ReadAsync(KubeApiClient api, string path, TimeSpan deadline, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        using var end = new CancellationTokenSource(deadline, api.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, end.Token);
        using var response = await OpenAsync(api, path, end, linked.Token, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            yield break; // The client-side deadline passed before the API server even answered: a watch that ended.
        }

        var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            while (await ReadLineAsync(reader, linked.Token, cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var watchEvent = JsonNode.Parse(line) as JsonObject;
                switch (watchEvent?["type"]?.GetValue<string>())
                {
                    case "ADDED" or "MODIFIED" or "DELETED":
                        yield return new WatchEvent(watchEvent["type"]!.GetValue<string>(), watchEvent["object"] as JsonObject);
                        break;
                    case "ERROR":
                        // A metav1.Status; typically 410 Gone (resourceVersion too old): the caller re-reads and watches again.
                        var code = watchEvent["object"]?["code"]?.GetValue<int>() is { } c and > 0 ? (HttpStatusCode)c : HttpStatusCode.Gone;
                        throw new KubeApiException(code, "watch ended with an error event: " + watchEvent["object"]?.ToJsonString());
                    default:
                        break; // BOOKMARK and anything newer carry no state the elector uses.
                }
            }
        }
    }

    private static async Task<HttpResponseMessage?> OpenAsync(KubeApiClient api, string path, CancellationTokenSource end, CancellationToken linked, CancellationToken caller)
    {
        try
        {
            return await api.OpenStreamAsync(path, linked).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (end.IsCancellationRequested && !caller.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The next line, or <c>null</c> at the end of the stream or at the watch's client-side deadline.</summary>
    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken watch, CancellationToken caller)
    {
        try
        {
            return await reader.ReadLineAsync(watch).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return null;
        }
    }
}

using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Leases;

/// <summary><see cref="ILeaseStore"/> on the <c>coordination.k8s.io/v1</c> Lease API.</summary>
/// <remarks>
/// A replace is a read-modify-write of the whole object the store last read at that
/// resourceVersion: only the spec fields the election owns change, so labels, annotations and
/// Lease fields newer than this code survive.
/// </remarks>
public sealed class KubernetesLeaseStore(KubeApiClient api, string @namespace, string name, TimeSpan? watchDeadline = null) : ILeaseStore
{
    /// <summary>
    /// Client-side end of one watch, in case the server's never comes (a connection that died
    /// silently and keepalive has not caught yet, a proxy that holds it): the watch ends as if the
    /// server had ended it, and the watcher re-reads and watches again.
    /// </summary>
    public static readonly TimeSpan DefaultWatchDeadline = TimeSpan.FromSeconds(WatchTimeoutSeconds + 30);

    /// <summary>
    /// Names the holder before the current one; on a released Lease, the replica that released it.
    /// Kept on the Lease rather than only in the successor's memory: a successor that started
    /// after the release, or missed it, still learns whose pod to demote in label mode.
    /// </summary>
    public const string PreviousHolderAnnotation = Annotations.PreviousHolder;

    // The server ends a watch after this long; the watcher re-reads and watches again, so a
    // silently dead connection is replaced at this pace too (the elector's polling covers the gap).
    private const int WatchTimeoutSeconds = 240;
    private const string MicroTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private readonly Lock gate = new();
    private readonly string collection = $"apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(@namespace)}/leases";

    // The last few objects read, by resourceVersion: a watch event may arrive after (and be older
    // than) the response to our own write, and the next replace must start from the exact object
    // its precondition names.
    private readonly List<(string ResourceVersion, JsonObject Lease)> recent = [];

    private string ItemPath => collection + "/" + Uri.EscapeDataString(name);

    public async Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken) =>
        Remember(await api.GetAsync(ItemPath, cancellationToken).ConfigureAwait(false));

    public async Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        var lease = new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
            ["spec"] = new JsonObject(),
        };
        WriteSpec(lease, record);
        try
        {
            return Remember(await api.SendJsonAsync(HttpMethod.Post, collection, lease, "application/json", cancellationToken).ConfigureAwait(false))!;
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new LeaseConflictException($"Lease {@namespace}/{name} already exists", e);
        }
    }

    public async Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        JsonObject lease;
        lock (gate)
        {
            var known = recent.FindLast(r => r.ResourceVersion == record.ResourceVersion).Lease;
            lease = known is not null
                ? (JsonObject)known.DeepClone()
                : new JsonObject { ["apiVersion"] = "coordination.k8s.io/v1", ["kind"] = "Lease", ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace } };
        }

        var metadata = lease["metadata"] as JsonObject ?? [];
        lease["metadata"] = metadata;
        metadata["resourceVersion"] = record.ResourceVersion;
        WriteSpec(lease, record);
        try
        {
            return Remember(await api.SendJsonAsync(HttpMethod.Put, ItemPath, lease, "application/json", cancellationToken).ConfigureAwait(false))!;
        }
        catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            throw new LeaseConflictException($"Lease {@namespace}/{name} changed since resourceVersion {record.ResourceVersion}", e);
        }
    }

    public async IAsyncEnumerable<LeaseRecord?> WatchAsync(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"{collection}?watch=true&fieldSelector={Uri.EscapeDataString("metadata.name=" + name)}&timeoutSeconds={WatchTimeoutSeconds}" +
                   (resourceVersion is null ? string.Empty : "&resourceVersion=" + Uri.EscapeDataString(resourceVersion));
        using var deadline = new CancellationTokenSource(watchDeadline ?? DefaultWatchDeadline, api.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var response = await OpenAsync(path, deadline, linked.Token, cancellationToken).ConfigureAwait(false);
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
                    case "ADDED" or "MODIFIED":
                        yield return Remember(watchEvent["object"] as JsonObject);
                        break;
                    case "DELETED":
                        yield return null;
                        break;
                    case "ERROR":
                        // Typically 410 Gone (resourceVersion too old): the caller re-reads and watches again.
                        throw new KubeApiException(HttpStatusCode.Gone, "watch ended with an error event: " + watchEvent["object"]?.ToJsonString());
                    default:
                        break; // BOOKMARK and anything newer carry no election state.
                }
            }
        }
    }

    private async Task<HttpResponseMessage?> OpenAsync(string path, CancellationTokenSource deadline, CancellationToken linked, CancellationToken caller)
    {
        try
        {
            return await api.OpenStreamAsync(path, linked).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !caller.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Parses a Lease object into the election's view of it.</summary>
    public static LeaseRecord? ToRecord(JsonObject? lease)
    {
        if (lease is null)
        {
            return null;
        }

        var spec = lease["spec"] as JsonObject;
        return new LeaseRecord(
            HolderIdentity: spec?["holderIdentity"]?.GetValue<string>(),
            LeaseDurationSeconds: spec?["leaseDurationSeconds"]?.GetValue<int>() ?? 0,
            AcquireTime: ParseTime(spec?["acquireTime"]),
            RenewTime: ParseTime(spec?["renewTime"]),
            LeaseTransitions: spec?["leaseTransitions"]?.GetValue<int>() ?? 0,
            ResourceVersion: lease["metadata"]?["resourceVersion"]?.GetValue<string>(),
            PreviousHolder: lease["metadata"]?["annotations"]?[PreviousHolderAnnotation]?.GetValue<string>() is { Length: > 0 } previous ? previous : null,
            Controls: LeaseControls.FromAnnotations(lease["metadata"]?["annotations"] as JsonObject));
    }

    private static void WriteSpec(JsonObject lease, LeaseRecord record)
    {
        var spec = lease["spec"] as JsonObject ?? [];
        lease["spec"] = spec;
        spec["holderIdentity"] = record.IsHeld ? record.HolderIdentity : null;
        spec["leaseDurationSeconds"] = record.LeaseDurationSeconds;
        spec["acquireTime"] = FormatTime(record.AcquireTime);
        spec["renewTime"] = FormatTime(record.RenewTime);
        spec["leaseTransitions"] = record.LeaseTransitions;

        var metadata = lease["metadata"] as JsonObject ?? [];
        lease["metadata"] = metadata;
        var annotations = metadata["annotations"] as JsonObject;
        if (record.PreviousHolder is { Length: > 0 } previous)
        {
            annotations ??= [];
            metadata["annotations"] = annotations;
            annotations[PreviousHolderAnnotation] = previous;
        }
        else
        {
            annotations?.Remove(PreviousHolderAnnotation);
        }

        record.Controls?.WriteTo(metadata);
    }

    // Lease times are metav1.MicroTime: RFC 3339 with microseconds, UTC.
    private static string? FormatTime(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString(MicroTimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

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

    private LeaseRecord? Remember(JsonObject? lease)
    {
        var record = ToRecord(lease);
        if (record?.ResourceVersion is { } version)
        {
            lock (gate)
            {
                recent.Add((version, lease!));
                if (recent.Count > 8)
                {
                    recent.RemoveAt(0);
                }
            }
        }

        return record;
    }
}

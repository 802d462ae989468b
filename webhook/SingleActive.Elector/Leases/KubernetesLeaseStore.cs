using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Leases;

/// <summary><see cref="IWatchableLeaseStore"/> on the <c>coordination.k8s.io/v1</c> Lease API.</summary>
/// <remarks>
/// A replace is a read-modify-write of the whole object the store last read at that
/// resourceVersion: only the spec fields the election owns change, so labels, annotations and
/// Lease fields newer than this code survive.
/// </remarks>
public sealed class KubernetesLeaseStore(KubeApiClient api, string @namespace, string name, TimeSpan? watchDeadline = null) : IWatchableLeaseStore
{
    /// <summary>
    /// Names the holder before the current one; on a released Lease, the replica that released it.
    /// Kept on the Lease rather than only in the successor's memory: a successor that started
    /// after the release, or missed it, still learns whose pod to demote in label mode.
    /// </summary>
    public const string PreviousHolderAnnotation = Annotations.PreviousHolder;

    private const string MicroTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private readonly Lock gate = new();
    private readonly string collection = $"apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(@namespace)}/leases";

    // The last few objects read, by resourceVersion: a watch event may arrive after (and be older
    // than) the response to our own write, and the next replace must start from the exact object
    // its precondition names.
    private readonly List<(string ResourceVersion, JsonObject Lease)> recent = [];

    // The highest resourceVersion of any state of the Lease taken in (read, written or watched), to tell a watched
    // deletion of an earlier incarnation from one of the current Lease.
    private ulong newest;

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
        var path = KubeWatch.PathFor(collection, name, resourceVersion);
        await foreach (var watchEvent in KubeWatch.ReadAsync(api, path, watchDeadline ?? KubeWatch.DefaultDeadline, cancellationToken).ConfigureAwait(false))
        {
            if (!watchEvent.IsDeleted)
            {
                yield return Remember(watchEvent.Object);
            }
            else if (!PredatesNewest(watchEvent.Object))
            {
                yield return null;
            }
        }
    }

    /// <summary>
    /// A watched deletion is of an earlier incarnation of the Lease when a state with a higher resourceVersion was
    /// already taken in: a DELETED event's object carries the deletion's resourceVersion, above every version of the
    /// object it deleted, so a Lease created again afterwards (by this replica's own write, answered before the watch
    /// caught up) is newer still. Such a late event is dropped instead of being read as the current Lease's removal,
    /// which would make its leader step down. Versions are compared as numbers (<see cref="LeaseRecord.RevisionOf"/>, as
    /// <see cref="LeaseRecord.IsOlderThan"/> does); one that is not a number is never dropped.
    /// </summary>
    private bool PredatesNewest(JsonObject? deleted)
    {
        if (LeaseRecord.RevisionOf(deleted?["metadata"]?["resourceVersion"]?.GetValue<string>()) is not { } version)
        {
            return false;
        }

        lock (gate)
        {
            return version < newest;
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

    private LeaseRecord? Remember(JsonObject? lease)
    {
        var record = ToRecord(lease);
        if (record?.ResourceVersion is { } version)
        {
            lock (gate)
            {
                if (LeaseRecord.RevisionOf(version) is { } number && number > newest)
                {
                    newest = number;
                }

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

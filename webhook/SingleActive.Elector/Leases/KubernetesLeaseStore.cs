using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.Elector.Leases;

/// <summary><see cref="ILeaseStore"/> on the Lease API through KubernetesClient.Aot.</summary>
/// <remarks>
/// The AOT client has no watcher, so <see cref="WatchAsync"/> reads the API server's
/// newline-delimited watch stream itself, authenticated by the client's own credentials.
/// </remarks>
public sealed class KubernetesLeaseStore(k8s.Kubernetes client, string @namespace, string name) : ILeaseStore
{
    // The server ends a watch after this long; the watcher then re-reads and watches again, so a
    // silently dead connection is also replaced at this pace (the poll fallback covers the gap).
    private const int WatchTimeoutSeconds = 240;

    public async Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ToRecord(lease);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var lease = ToLease(record);
            lease.Metadata.ResourceVersion = null;
            var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ToRecord(created);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            throw new LeaseConflictException($"Lease {@namespace}/{name} already exists", e);
        }
    }

    public async Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var replaced = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(ToLease(record), name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ToRecord(replaced);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            throw new LeaseConflictException($"Lease {@namespace}/{name} changed since resourceVersion {record.ResourceVersion}", e);
        }
    }

    public async IAsyncEnumerable<LeaseRecord?> WatchAsync(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = $"apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(@namespace)}/leases?watch=true" +
                    $"&fieldSelector={Uri.EscapeDataString("metadata.name=" + name)}&timeoutSeconds={WatchTimeoutSeconds}" +
                    (resourceVersion is null ? string.Empty : "&resourceVersion=" + Uri.EscapeDataString(resourceVersion));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, query));
        if (client.Credentials is not null)
        {
            await client.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"watch of Lease {@namespace}/{name} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var (type, lease) = ParseEvent(line);
            switch (type)
            {
                case "ADDED" or "MODIFIED":
                    yield return ToRecord(lease!);
                    break;
                case "DELETED":
                    yield return null;
                    break;
                case "ERROR":
                    // Typically 410 Gone (resourceVersion too old): the caller re-reads and watches again.
                    throw new HttpRequestException($"watch of Lease {@namespace}/{name} ended with an error event: {line}");
                default:
                    break; // BOOKMARK and anything newer carry no election state.
            }
        }
    }

    private static (string? Type, V1Lease? Lease) ParseEvent(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        V1Lease? lease = null;
        if (type is "ADDED" or "MODIFIED" && root.TryGetProperty("object", out var o))
        {
            lease = o.Deserialize(SourceGenerationContext.Default.V1Lease);
        }

        return (type, lease);
    }

    private V1Lease ToLease(LeaseRecord record) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, ResourceVersion = record.ResourceVersion },
        Spec = new V1LeaseSpec
        {
            HolderIdentity = record.IsHeld ? record.HolderIdentity : null,
            LeaseDurationSeconds = record.LeaseDurationSeconds,
            AcquireTime = record.AcquireTime?.UtcDateTime,
            RenewTime = record.RenewTime?.UtcDateTime,
            LeaseTransitions = record.LeaseTransitions,
        },
    };

    private static LeaseRecord ToRecord(V1Lease lease) => new(
        HolderIdentity: lease.Spec?.HolderIdentity,
        LeaseDurationSeconds: lease.Spec?.LeaseDurationSeconds ?? 0,
        AcquireTime: ToOffset(lease.Spec?.AcquireTime),
        RenewTime: ToOffset(lease.Spec?.RenewTime),
        LeaseTransitions: lease.Spec?.LeaseTransitions ?? 0,
        ResourceVersion: lease.Metadata?.ResourceVersion);

    private static DateTimeOffset? ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}

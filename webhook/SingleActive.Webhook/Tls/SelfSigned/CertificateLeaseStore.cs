using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Core.Leases;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// <see cref="ILeaseStore"/> on KubernetesClient for the certificate writer's Lease. A replace starts from the object
/// last read or written at that resourceVersion and changes only the spec fields the election owns, so labels,
/// annotations and Lease fields newer than this code survive. Neither the previous-holder annotation nor the
/// operator's controls are read or written: only the elector's Leases carry them.
/// </summary>
public sealed class CertificateLeaseStore(IKubernetes client, string @namespace, string name) : ILeaseStore
{
    private readonly Lock gate = new();

    // The object last read or written: the next replace names its resourceVersion (the record's) and starts from it.
    private V1Lease? last;

    public async Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return Remember(await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var lease = new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = new V1LeaseSpec(),
        };
        WriteSpec(lease.Spec, record);
        try
        {
            return Remember(await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new LeaseConflictException($"Lease {@namespace}/{name} already exists", e);
        }
    }

    public async Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        V1Lease lease;
        lock (gate)
        {
            // The object this store last read or wrote carries the Lease's labels and annotations; a record of any
            // other version is stale, and writing a bare object in its place would drop them.
            lease = this.last is { } last && last.Metadata?.ResourceVersion == record.ResourceVersion
                ? last
                : throw new LeaseConflictException($"Lease {@namespace}/{name} changed since version {record.ResourceVersion} was read");
        }

        // metadata.resourceVersion is the precondition: if anyone wrote in between, the API server answers 409.
        lease.Metadata.ResourceVersion = record.ResourceVersion;
        // managedFields are left out (the server keeps them): the Aot serializer cannot write FieldsV1.
        lease.Metadata.ManagedFields = null;
        lease.Spec ??= new V1LeaseSpec();
        WriteSpec(lease.Spec, record);
        try
        {
            return Remember(await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            throw new LeaseConflictException($"Lease {@namespace}/{name} changed since resourceVersion {record.ResourceVersion}", e);
        }
    }

    /// <summary>The election's view of a Lease object.</summary>
    public static LeaseRecord ToRecord(V1Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var spec = lease.Spec ?? new V1LeaseSpec();
        return new LeaseRecord(
            spec.HolderIdentity,
            spec.LeaseDurationSeconds ?? 0,
            Utc(spec.AcquireTime),
            Utc(spec.RenewTime),
            spec.LeaseTransitions ?? 0,
            lease.Metadata?.ResourceVersion);
    }

    private static void WriteSpec(V1LeaseSpec spec, LeaseRecord record)
    {
        spec.HolderIdentity = record.IsHeld ? record.HolderIdentity : null;
        spec.LeaseDurationSeconds = record.LeaseDurationSeconds;
        spec.AcquireTime = record.AcquireTime?.UtcDateTime;
        spec.RenewTime = record.RenewTime?.UtcDateTime;
        spec.LeaseTransitions = record.LeaseTransitions;
    }

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;

    private LeaseRecord Remember(V1Lease lease)
    {
        lock (gate)
        {
            this.last = lease;
        }

        return ToRecord(lease);
    }
}

namespace SingleActive.Core.Leases;

/// <summary>
/// The one <c>coordination.k8s.io/v1</c> Lease a replica campaigns for. Writes are optimistic:
/// <see cref="ReplaceAsync"/> carries the record's resourceVersion as a precondition (the API server
/// answers 409 when the object moved on) and throws <see cref="LeaseConflictException"/> when someone
/// else wrote first. Other failures (API errors, timeouts, cancellation) are thrown as they are.
/// </summary>
/// <remarks>
/// A replace must change only the fields of <see cref="LeaseRecord"/> and leave the rest of the object
/// as it was read at that resourceVersion (labels, other annotations, Lease fields newer than this code).
/// </remarks>
public interface ILeaseStore
{
    /// <summary>The current record, or <c>null</c> when the Lease does not exist (404).</summary>
    Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the Lease; <see cref="LeaseConflictException"/> when it already exists (409).</summary>
    Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the Lease if it is still at <see cref="LeaseRecord.ResourceVersion"/>; otherwise (409) or when it is gone (404) <see cref="LeaseConflictException"/>.</summary>
    Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken);
}

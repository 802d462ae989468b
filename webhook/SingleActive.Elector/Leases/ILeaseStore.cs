namespace SingleActive.Elector.Leases;

/// <summary>
/// The one Lease an elector campaigns for. Writes are optimistic: <see cref="ReplaceAsync"/> carries
/// the record's resourceVersion as a precondition and throws <see cref="LeaseConflictException"/>
/// when someone else wrote first.
/// </summary>
public interface ILeaseStore
{
    /// <summary>The current record, or <c>null</c> when the Lease does not exist.</summary>
    Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the Lease; <see cref="LeaseConflictException"/> when it already exists.</summary>
    Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the Lease if it is still at <see cref="LeaseRecord.ResourceVersion"/>; otherwise (or when it is gone) <see cref="LeaseConflictException"/>.</summary>
    Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// The Lease's states after <paramref name="resourceVersion"/> (<c>null</c> items: deleted),
    /// until the server ends the watch; the caller re-reads and watches again.
    /// </summary>
    IAsyncEnumerable<LeaseRecord?> WatchAsync(string? resourceVersion, CancellationToken cancellationToken);
}

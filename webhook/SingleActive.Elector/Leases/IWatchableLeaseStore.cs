using SingleActive.Core.Leases;

namespace SingleActive.Elector.Leases;

/// <summary>A <see cref="ILeaseStore"/> that can also watch its Lease, so a standby sees a release the moment it is written.</summary>
public interface IWatchableLeaseStore : ILeaseStore
{
    /// <summary>
    /// The Lease's states after <paramref name="resourceVersion"/> (<c>null</c> items: deleted),
    /// until the server ends the watch; the caller re-reads and watches again.
    /// </summary>
    IAsyncEnumerable<LeaseRecord?> WatchAsync(string? resourceVersion, CancellationToken cancellationToken);
}

using SingleActive.Core.Leases;

namespace SingleActive.Core.Tests.Leases;

/// <summary>One Lease in memory with the API server's optimistic concurrency: every write gets the next resourceVersion.</summary>
public sealed class InMemoryLeaseStore : ILeaseStore
{
    private int version;

    public LeaseRecord? Current { get; private set; }

    /// <summary>Thrown by the next call, then cleared.</summary>
    public Exception? FailNext { get; set; }

    /// <summary>Runs before every call: a test changes the Lease "meanwhile" here.</summary>
    public Action<string>? BeforeCall { get; set; }

    public List<string> Calls { get; } = [];

    /// <summary>Writes as someone else would: the next resourceVersion.</summary>
    public LeaseRecord Put(LeaseRecord? record)
    {
        Current = record is null ? null : record with { ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return Current!;
    }

    public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken)
    {
        Enter("get", cancellationToken);
        return Task.FromResult(Current);
    }

    public Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        Enter("create", cancellationToken);
        if (Current is not null)
        {
            throw new LeaseConflictException("already exists");
        }

        return Task.FromResult(Put(record));
    }

    public Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        Enter("update", cancellationToken);
        if (Current is null || Current.ResourceVersion != record.ResourceVersion)
        {
            throw new LeaseConflictException($"resourceVersion {record.ResourceVersion} is not {Current?.ResourceVersion ?? "(deleted)"}");
        }

        return Task.FromResult(Put(record));
    }

    private void Enter(string call, CancellationToken cancellationToken)
    {
        Calls.Add(call);
        BeforeCall?.Invoke(call);
        cancellationToken.ThrowIfCancellationRequested();
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }
    }
}

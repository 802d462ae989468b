using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SingleActive.Core.Leases;

namespace SingleActive.Elector.Tests.Leases;

/// <summary>
/// One Lease as the API server keeps it: a resourceVersion that moves on every write,
/// compare-and-swap replaces, and watch streams that deliver every write in order. Each elector
/// talks to it through its own <see cref="InMemoryLeaseClient"/>, whose connection a test can cut.
/// </summary>
public sealed class InMemoryLeaseServer
{
    private readonly Lock gate = new();
    private readonly List<Channel<LeaseRecord?>> watchers = [];
    private readonly List<LeaseRecord?> history = [];
    private LeaseRecord? current;
    private long version;
    private int pendingDeliveries;

    /// <summary>Runs inside a write, before it is checked: lets a test slip a competing write in between a read and a write.</summary>
    public Action<InMemoryLeaseServer>? BeforeWrite { get; set; }

    public LeaseRecord? Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>Every state the Lease went through, in order (null: deleted).</summary>
    public IReadOnlyList<LeaseRecord?> History
    {
        get
        {
            lock (gate)
            {
                return [.. history];
            }
        }
    }

    /// <summary>Watch events written but not yet fully handled by their consumer.</summary>
    public int PendingDeliveries => Volatile.Read(ref pendingDeliveries);

    public int WatcherCount
    {
        get
        {
            lock (gate)
            {
                return watchers.Count;
            }
        }
    }

    public InMemoryLeaseClient Connect() => new(this);

    /// <summary>Writes unconditionally (an administrator, or a replica this test does not run).</summary>
    public LeaseRecord Put(LeaseRecord record)
    {
        lock (gate)
        {
            return CommitLocked(record);
        }
    }

    public void Delete()
    {
        lock (gate)
        {
            current = null;
            version++;
            history.Add(null);
            NotifyLocked(null);
        }
    }

    internal LeaseRecord? Get()
    {
        lock (gate)
        {
            return current;
        }
    }

    internal LeaseRecord Create(LeaseRecord record)
    {
        BeforeWriteOnce();
        lock (gate)
        {
            if (current is not null)
            {
                throw new LeaseConflictException("already exists");
            }

            return CommitLocked(record);
        }
    }

    internal LeaseRecord Replace(LeaseRecord record)
    {
        BeforeWriteOnce();
        lock (gate)
        {
            if (current is null || current.ResourceVersion != record.ResourceVersion)
            {
                throw new LeaseConflictException($"resourceVersion {record.ResourceVersion} is not {current?.ResourceVersion ?? "(deleted)"}");
            }

            return CommitLocked(record);
        }
    }

    internal async IAsyncEnumerable<LeaseRecord?> Watch(string? resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<LeaseRecord?>(new() { SingleReader = true });
        lock (gate)
        {
            watchers.Add(channel);
            if (current?.ResourceVersion != resourceVersion)
            {
                // The caller's read is already stale: start with the present state, as a real watch would replay it.
                Interlocked.Increment(ref pendingDeliveries);
                channel.Writer.TryWrite(current);
            }
        }

        var outstanding = false;
        try
        {
            while (true)
            {
                var record = await channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                outstanding = true;
                yield return record;

                // The consumer asked for the next event: it has fully handled this one.
                outstanding = false;
                Interlocked.Decrement(ref pendingDeliveries);
            }
        }
        finally
        {
            lock (gate)
            {
                watchers.Remove(channel);
            }

            if (outstanding)
            {
                Interlocked.Decrement(ref pendingDeliveries);
            }

            while (channel.Reader.TryRead(out _))
            {
                Interlocked.Decrement(ref pendingDeliveries);
            }
        }
    }

    private void BeforeWriteOnce()
    {
        var hook = BeforeWrite;
        BeforeWrite = null;
        hook?.Invoke(this);
    }

    private LeaseRecord CommitLocked(LeaseRecord record)
    {
        version++;
        current = record with { ResourceVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        history.Add(current);
        NotifyLocked(current);
        return current;
    }

    private void NotifyLocked(LeaseRecord? record)
    {
        foreach (var watcher in watchers)
        {
            Interlocked.Increment(ref pendingDeliveries);
            watcher.Writer.TryWrite(record);
        }
    }
}

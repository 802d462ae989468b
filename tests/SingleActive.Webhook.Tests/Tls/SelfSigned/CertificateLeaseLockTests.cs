using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Core.Leases;
using SingleActive.Webhook.Tls.SelfSigned;

namespace SingleActive.Webhook.Tests.Tls.SelfSigned;

public sealed class CertificateLeaseLockTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MemoryStore store = new();

    [Fact]
    public async Task TryAcquireOrRenewAsync_NoLease_FirstReplicaWritesAndRenews()
    {
        var first = new CertificateLeaseLock(store, "webhook-a", Duration, time);
        var second = new CertificateLeaseLock(store, "webhook-b", Duration, time);

        Assert.True(await first.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await second.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(await first.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("webhook-a", store.Current!.HolderIdentity);
        Assert.Equal(30, store.Current.LeaseDurationSeconds);
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_HolderStopsRenewing_TakenOverALeaseDurationAfterTheLastChangeSeen()
    {
        // Expiry is judged by the fake clock's monotonic timestamps from the last change this replica saw, never
        // from the holder's renewTime (written here an hour in the past, as a skewed node would).
        store.Put(new LeaseRecord("webhook-a", 30, null, time.GetUtcNow().AddHours(-1), 4));
        var other = new CertificateLeaseLock(store, "webhook-b", Duration, time);

        Assert.False(await other.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(Duration - TimeSpan.FromSeconds(1));
        Assert.False(await other.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await other.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("webhook-b", store.Current!.HolderIdentity);
        Assert.Equal(5, store.Current.LeaseTransitions);
    }

    [Fact]
    public async Task ReleaseAsync_Writer_OtherReplicaTakesOverAtItsNextPoll()
    {
        var first = new CertificateLeaseLock(store, "webhook-a", Duration, time);
        var second = new CertificateLeaseLock(store, "webhook-b", Duration, time);
        Assert.True(await first.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await second.TryAcquireOrRenewAsync(CancellationToken.None));

        await first.ReleaseAsync(CancellationToken.None);

        Assert.True(store.Current!.IsRelease);
        Assert.True(await second.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_ApiFails_ThrowsAndRenewsItsTermOnTheNextPoll()
    {
        var writer = new CertificateLeaseLock(store, "webhook-a", Duration, time);
        Assert.True(await writer.TryAcquireOrRenewAsync(CancellationToken.None));
        store.FailNext = new HttpRequestException("connection refused");

        await Assert.ThrowsAsync<HttpRequestException>(() => writer.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.True(await writer.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(0, store.Current!.LeaseTransitions);
    }

    private sealed class MemoryStore : ILeaseStore
    {
        private int version;

        public LeaseRecord? Current { get; private set; }

        public Exception? FailNext { get; set; }

        public LeaseRecord Put(LeaseRecord record)
        {
            Current = record with { ResourceVersion = (++version).ToString(CultureInfo.InvariantCulture) };
            return Current;
        }

        public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken)
        {
            Fail();
            return Task.FromResult(Current);
        }

        public Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
        {
            Fail();
            return Current is null ? Task.FromResult(Put(record)) : throw new LeaseConflictException("exists");
        }

        public Task<LeaseRecord> ReplaceAsync(LeaseRecord record, CancellationToken cancellationToken)
        {
            Fail();
            return Current?.ResourceVersion == record.ResourceVersion ? Task.FromResult(Put(record)) : throw new LeaseConflictException("conflict");
        }

        private void Fail()
        {
            if (FailNext is { } failure)
            {
                FailNext = null;
                throw failure;
            }
        }
    }
}

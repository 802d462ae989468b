using System.Text.Json.Nodes;
using SingleActive.Elector.Leases;

namespace SingleActive.Elector.Tests.Leases;

public sealed class KubernetesLeaseStoreTests
{
    [Fact]
    public void ToRecord_LeaseAsTheApiServerReturnsIt_ReadsTheElectionFields()
    {
        var lease = JsonNode.Parse("""
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
             "metadata":{"name":"web","namespace":"shop","resourceVersion":"4711","labels":{"team":"billing"}},
             "spec":{"holderIdentity":"web-0","leaseDurationSeconds":15,"acquireTime":"2026-11-23T22:00:24.475760Z",
                     "renewTime":"2026-11-23T22:00:28.400765Z","leaseTransitions":3}}
            """)!.AsObject();

        var record = KubernetesLeaseStore.ToRecord(lease);

        Assert.Equal(
            new LeaseRecord("web-0", 15, new DateTimeOffset(2026, 11, 23, 22, 0, 24, TimeSpan.Zero).AddTicks(4757600), new DateTimeOffset(2026, 11, 23, 22, 0, 28, TimeSpan.Zero).AddTicks(4007650), 3, "4711"),
            record);
    }

    [Fact]
    public void ToRecord_ReleasedLease_HasNoHolder()
    {
        var lease = JsonNode.Parse("""{"metadata":{"resourceVersion":"9"},"spec":{"leaseDurationSeconds":1,"leaseTransitions":3}}""")!.AsObject();

        var record = KubernetesLeaseStore.ToRecord(lease)!;

        Assert.False(record.IsHeld);
        Assert.Equal(1, record.LeaseDurationSeconds);
        Assert.Null(record.RenewTime);
    }

    [Fact]
    public void SameElection_OnlyResourceVersionDiffers_IsTheSame()
    {
        var a = new LeaseRecord("web-0", 15, null, DateTimeOffset.UnixEpoch, 1, "1");

        Assert.True(LeaseRecord.SameElection(a, a with { ResourceVersion = "2" }));
        Assert.False(LeaseRecord.SameElection(a, a with { RenewTime = DateTimeOffset.UnixEpoch.AddSeconds(2) }));
        Assert.False(LeaseRecord.SameElection(a, null));
        Assert.True(LeaseRecord.SameElection(null, null));
    }
}

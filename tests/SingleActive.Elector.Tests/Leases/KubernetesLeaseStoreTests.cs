using System.Text.Json.Nodes;
using SingleActive.Elector.Leases;
using SingleActive.Elector.Tests.Kubernetes;

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
    public void ToRecord_ReleasedLease_NamesTheReleaserFromItsAnnotation()
    {
        var lease = JsonNode.Parse("""{"metadata":{"resourceVersion":"9","annotations":{"single-active.io/previous-holder":"web-0"}},"spec":{"leaseDurationSeconds":1,"leaseTransitions":3}}""")!.AsObject();

        var record = KubernetesLeaseStore.ToRecord(lease)!;

        Assert.True(record.IsRelease);
        Assert.Equal("web-0", record.PreviousHolder);
    }

    [Fact]
    public async Task ReplaceAsync_Release_WritesThePreviousHolderAnnotationAndKeepsOthers()
    {
        using var server = new ScriptedApiServer((_, request) => new ScriptedApiServer.Answer(200, Echo(request.Body)));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var store = new KubernetesLeaseStore(api, "shop", "web");
        var held = await store.CreateAsync(new LeaseRecord("web-0", 15, null, null, 3), CancellationToken.None);

        var released = await store.ReplaceAsync(held with { HolderIdentity = null, LeaseDurationSeconds = 1, PreviousHolder = "web-0" }, CancellationToken.None);

        Assert.Equal("web-0", released.PreviousHolder);
        var written = JsonNode.Parse(server.Requests.Last().Body)!;
        Assert.Equal("web-0", (string?)written["metadata"]!["annotations"]!["single-active.io/previous-holder"]);
        Assert.Null(written["spec"]!["holderIdentity"]);
    }

    [Fact]
    public async Task WatchAsync_ServerSendsHeadersThenNothing_EndsAtTheClientSideDeadline()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, string.Empty, StreamThenSilence: true));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var store = new KubernetesLeaseStore(api, "shop", "web", watchDeadline: TimeSpan.FromMilliseconds(300));

        var events = await Collect(store.WatchAsync("7", CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(events);
        Assert.Contains("watch=true", server.Requests.Single().Path, StringComparison.Ordinal);
    }

    private static string Echo(string body)
    {
        var lease = JsonNode.Parse(body)!.AsObject();
        lease["metadata"]!["resourceVersion"] = "11";
        return lease.ToJsonString();
    }

    private static async Task<List<LeaseRecord?>> Collect(IAsyncEnumerable<LeaseRecord?> watch)
    {
        var events = new List<LeaseRecord?>();
        await foreach (var record in watch)
        {
            events.Add(record);
        }

        return events;
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

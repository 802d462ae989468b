using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Core.Leases;
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
            new LeaseRecord("web-0", 15, new DateTimeOffset(2026, 11, 23, 22, 0, 24, TimeSpan.Zero).AddTicks(4757600), new DateTimeOffset(2026, 11, 23, 22, 0, 28, TimeSpan.Zero).AddTicks(4007650), 3, "4711", Controls: LeaseControls.None),
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
        // Long enough for the request to reach the server on a busy machine (the first request of a process JITs and connects).
        var store = new KubernetesLeaseStore(api, "shop", "web", watchDeadline: TimeSpan.FromSeconds(3));

        var events = await Collect(store.WatchAsync("7", CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(events);
        Assert.Contains("watch=true", server.Requests.Single().Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_LateDeletionOfTheLeaseThisReplicaCreatedAgain_Dropped()
    {
        // The Lease (version 10) was deleted (15) and this replica created it again (20, the answer to its create) before
        // its watch, started at 10, delivered the deletion: that deletion is not of the Lease this replica now holds.
        using var server = new ScriptedApiServer((_, request) => request.Method == "POST"
            ? new ScriptedApiServer.Answer(201, Lease("20"))
            : new ScriptedApiServer.Answer(200, WatchEvents(("DELETED", "15"), ("ADDED", "20"))));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var store = new KubernetesLeaseStore(api, "shop", "web");
        await store.CreateAsync(new LeaseRecord("web-0", 15, null, null, 4), CancellationToken.None);

        var events = await Collect(store.WatchAsync("10", CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["20"], events.Select(e => e?.ResourceVersion));
    }

    [Fact]
    public async Task WatchAsync_DeletionOfTheLeaseLastSeen_DeliveredAsItsAbsence()
    {
        using var server = new ScriptedApiServer((_, request) => request.Path.Contains("watch=true", StringComparison.Ordinal)
            ? new ScriptedApiServer.Answer(200, WatchEvents(("DELETED", "21")))
            : new ScriptedApiServer.Answer(200, Lease("20")));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var store = new KubernetesLeaseStore(api, "shop", "web");
        var current = await store.GetAsync(CancellationToken.None);

        var events = await Collect(store.WatchAsync(current!.ResourceVersion, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([null], events);
    }

    private static string Lease(string resourceVersion) =>
        $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"web","namespace":"shop","resourceVersion":"{{{resourceVersion}}}"},"spec":{"holderIdentity":"web-0","leaseDurationSeconds":15,"leaseTransitions":4}}""";

    private static string WatchEvents(params (string Type, string ResourceVersion)[] events) =>
        string.Concat(events.Select(e => $$$"""{"type":"{{{e.Type}}}","object":{{{Lease(e.ResourceVersion)}}}}""" + "\n"));

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
    public void ToRecord_OperatorAnnotations_ReadAsControls()
    {
        var lease = JsonNode.Parse("""
            {"metadata":{"resourceVersion":"9","annotations":{
               "single-active.io/preferred-holder":" web-1 ","single-active.io/paused":"yes",
               "single-active.io/last-handover":"{\"requested\":\"any\",\"target\":\"web-2\",\"from\":\"web-0\",\"outcome\":\"refused\",\"reason\":\"no\",\"at\":\"2026-11-30T10:00:00.123Z\"}"}},
             "spec":{"holderIdentity":"web-0","leaseDurationSeconds":15,"leaseTransitions":3}}
            """)!.AsObject();

        var controls = KubernetesLeaseStore.ToRecord(lease)!.Controls!;

        Assert.Equal("web-1", controls.PreferredHolder);
        Assert.True(controls.Paused);
        Assert.Equal(
            new HandoverRecord("any", "web-2", "web-0", HandoverOutcome.Refused, "no", new DateTimeOffset(2026, 11, 30, 10, 0, 0, 123, TimeSpan.Zero)),
            controls.LastHandover);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("", true)]
    [InlineData(" False ", false)]
    [InlineData("no", true)]
    public void ToRecord_PausedAnnotation_AnyValueButFalsePauses(string? value, bool paused)
    {
        var annotations = value is null ? new JsonObject() : new JsonObject { ["single-active.io/paused"] = value };
        var lease = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations }, ["spec"] = new JsonObject() };

        Assert.Equal(paused, KubernetesLeaseStore.ToRecord(lease)!.Controls!.Paused);
    }

    [Fact]
    public async Task ReplaceAsync_AnsweredRequest_RemovesTheRequestWritesTheOutcomeAndLeavesThePause()
    {
        const string Read = """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"web","namespace":"shop","resourceVersion":"5",
              "annotations":{"single-active.io/preferred-holder":"web-9","single-active.io/paused":"yes","team":"billing"}},
             "spec":{"holderIdentity":"web-0","leaseDurationSeconds":15,"leaseTransitions":3}}
            """;
        using var server = new ScriptedApiServer((_, request) => new ScriptedApiServer.Answer(200, request.Method == "GET" ? Read : Echo(request.Body)));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var store = new KubernetesLeaseStore(api, "shop", "web");
        var current = (await store.GetAsync(CancellationToken.None))!;
        var outcome = new HandoverRecord("web-9", "web-9", "web-0", HandoverOutcome.Refused, "pod web-9 does not exist", DateTimeOffset.UnixEpoch);

        await store.ReplaceAsync(current with { Controls = current.Controls! with { PreferredHolder = null, LastHandover = outcome } }, CancellationToken.None);

        var annotations = JsonNode.Parse(server.Requests.Last().Body)!["metadata"]!["annotations"]!.AsObject();
        Assert.False(annotations.ContainsKey("single-active.io/preferred-holder"));
        Assert.Equal("yes", (string?)annotations["single-active.io/paused"]);
        Assert.Equal("billing", (string?)annotations["team"]);
        Assert.Equal(outcome, HandoverRecord.Parse((string?)annotations["single-active.io/last-handover"]));
    }
}

using System.Net;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.PodDeletion;
using SingleActive.Elector.Tests.Kubernetes;

namespace SingleActive.Elector.Tests.PodDeletion;

public sealed class KubernetesOwnPodStoreTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(20);

    /// <summary>The elector container's own readiness, not the pod's Ready condition (another container can make that false).</summary>
    [Theory]
    [InlineData("containerStatuses", "false", "True", false)]
    [InlineData("containerStatuses", "true", "False", true)]
    [InlineData("initContainerStatuses", "false", "False", false)]
    [InlineData("initContainerStatuses", "true", "True", true)]
    public void ToSnapshot_ElectorContainerStatus_IsItsReadinessWhateverThePodsReadyCondition(string list, string electorReady, string podReady, bool expected)
    {
        var pod = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse($$$"""
            {"metadata":{"uid":"0b1e"},
             "status":{"conditions":[{"type":"Ready","status":"{{{podReady}}}"}],
               "{{{list}}}":[{"name":"app","ready":true},{"name":"single-active-elector","ready":{{{electorReady}}} }]}}
            """)!;

        Assert.Equal(expected, KubernetesOwnPodStore.ToSnapshot(pod, removed: false).ElectorReady);
    }

    [Fact]
    public void ToSnapshot_NoStatusYet_ElectorReadinessUnknown() =>
        Assert.Null(KubernetesOwnPodStore.ToSnapshot((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse("""{"metadata":{"uid":"0b1e"}}""")!, removed: false).ElectorReady);

    [Fact]
    public async Task ListAsync_PodBeingDeleted_ReadsUidDeletionTimestampAndTheListVersion()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, """
            {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4711"},
             "items":[{"metadata":{"name":"web-0","namespace":"shop","uid":"0b1e","deletionTimestamp":"2026-11-23T22:00:24Z","deletionGracePeriodSeconds":30}}]}
            """));
        using var api = server.Client(CallTimeout);

        var listing = await new KubernetesOwnPodStore(api, "shop", "web-0").ListAsync(CancellationToken.None).WaitAsync(TestLimit);

        Assert.Equal(new PodListing(new PodSnapshot("0b1e", new DateTimeOffset(2026, 11, 23, 22, 0, 24, TimeSpan.Zero)), "4711"), listing);
        Assert.True(listing.Pod!.IsBeingDeleted);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods?fieldSelector=metadata.name%3Dweb-0", request.Path);
    }

    [Fact]
    public async Task ListAsync_NoPodOfThatName_NoPodAndTheListVersion()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, """{"kind":"PodList","metadata":{"resourceVersion":"9"},"items":[]}"""));
        using var api = server.Client(CallTimeout);

        var listing = await new KubernetesOwnPodStore(api, "shop", "web-0").ListAsync(CancellationToken.None).WaitAsync(TestLimit);

        Assert.Equal(new PodListing(null, "9"), listing);
    }

    [Fact]
    public async Task ListAsync_ClusterRoleWithoutPods_ThrowsForbidden()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(403, """{"kind":"Status","code":403,"message":"pods is forbidden: User \"system:serviceaccount:shop:app\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""}"""));
        using var api = server.Client(CallTimeout);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => new KubernetesOwnPodStore(api, "shop", "web-0").ListAsync(CancellationToken.None).WaitAsync(TestLimit));

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("cannot list resource \"pods\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_Events_EachChangeWithDeletionTimestampAndRemoval()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, """
            {"type":"MODIFIED","object":{"metadata":{"name":"web-0","uid":"0b1e","resourceVersion":"10"}}}
            {"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"11"}}}
            {"type":"MODIFIED","object":{"metadata":{"name":"web-0","uid":"0b1e","resourceVersion":"12","deletionTimestamp":"2026-11-23T22:00:24Z"}}}
            {"type":"DELETED","object":{"metadata":{"name":"web-0","uid":"0b1e","resourceVersion":"13","deletionTimestamp":"2026-11-23T22:00:24Z"}}}

            """));
        using var api = server.Client(CallTimeout);

        var changes = await Collect(new KubernetesOwnPodStore(api, "shop", "web-0").WatchAsync("4711", CancellationToken.None)).WaitAsync(TestLimit);

        var at = new DateTimeOffset(2026, 11, 23, 22, 0, 24, TimeSpan.Zero);
        Assert.Equal([new PodSnapshot("0b1e", null), new PodSnapshot("0b1e", at), new PodSnapshot("0b1e", at, Removed: true)], changes);
        var path = Assert.Single(server.Requests).Path;
        Assert.StartsWith("/api/v1/namespaces/shop/pods?watch=true&fieldSelector=metadata.name%3Dweb-0&timeoutSeconds=240", path, StringComparison.Ordinal);
        Assert.EndsWith("&resourceVersion=4711", path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_ErrorEvent_ThrowsWithItsStatusCode()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, """
            {"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 4711 (5000)"}}

            """));
        using var api = server.Client(CallTimeout);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => Collect(new KubernetesOwnPodStore(api, "shop", "web-0").WatchAsync("4711", CancellationToken.None)).WaitAsync(TestLimit));

        Assert.Equal(HttpStatusCode.Gone, e.StatusCode);
        Assert.Contains("too old resource version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_ServerSendsHeadersThenNothing_EndsAtTheClientSideDeadline()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, string.Empty, StreamThenSilence: true));
        using var api = server.Client(CallTimeout);

        // Long enough for the request to reach the server on a busy machine (the first request of a process JITs and connects).
        var changes = await Collect(new KubernetesOwnPodStore(api, "shop", "web-0", watchDeadline: TimeSpan.FromSeconds(3)).WatchAsync("7", CancellationToken.None)).WaitAsync(TestLimit);

        Assert.Empty(changes);
    }

    private static async Task<List<PodSnapshot>> Collect(IAsyncEnumerable<PodSnapshot> watch)
    {
        var changes = new List<PodSnapshot>();
        await foreach (var change in watch)
        {
            changes.Add(change);
        }

        return changes;
    }
}

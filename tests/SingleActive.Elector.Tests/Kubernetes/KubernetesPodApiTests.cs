using System.Net;
using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class KubernetesPodApiTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public async Task MarkNotReadyAsync_PodExists_StrategicMergePatchOfTheReadyAndContainersReadyConditionsAndAStandbysDeletionCostOnPodStatus()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, """{"kind":"Pod"}"""));
        using var api = server.Client(CallTimeout);

        var existed = await new KubernetesPodApi(api, "shop").MarkNotReadyAsync("web-0", "SingleActiveFenced", "web-1 leads", At, CancellationToken.None).WaitAsync(TestLimit);

        Assert.True(existed);
        var request = Assert.Single(server.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/api/v1/namespaces/shop/pods/web-0/status", request.Path);

        // Strategic merge: conditions merge by type, so every other condition stays as it is.
        Assert.StartsWith("application/strategic-merge-patch+json", request.ContentType, StringComparison.Ordinal);
        var patch = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["metadata", "status"], patch.Select(p => p.Key));
        Assert.Equal("""{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"-1000"}}""", patch["metadata"]!.ToJsonString());
        var conditions = patch["status"]!["conditions"]!.AsArray();
        Assert.Equal(["Ready", "ContainersReady"], conditions.Select(c => (string?)c!["type"]));
        Assert.All(conditions, condition =>
        {
            Assert.Equal("False", (string?)condition!["status"]);
            Assert.Equal("SingleActiveFenced", (string?)condition["reason"]);
            Assert.Equal("web-1 leads", (string?)condition["message"]);
            Assert.Equal("2026-03-04T05:06:07Z", (string?)condition["lastTransitionTime"]);
        });
    }

    [Fact]
    public async Task ListLeasePodsAsync_RunningPods_OnlyThisLeasesNotBeingDeletedWithReadyRoleAndMode()
    {
        const string Pods = """
            {"kind":"PodList","items":[
              {"metadata":{"name":"web-0","annotations":{"single-active.io/status":"{\"version\":\"0.1.0\",\"lease\":\"web\",\"mode\":\"readiness\"}"}},
               "status":{"phase":"Running","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"}]}},
              {"metadata":{"name":"web-1","labels":{"single-active.io/role":"leader"},"annotations":{"single-active.io/status":"{\"lease\":\"web\",\"mode\":\"label\"}"}},
               "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}]}},
              {"metadata":{"name":"web-2","deletionTimestamp":"2026-03-04T05:06:07Z","annotations":{"single-active.io/status":"{\"lease\":\"web\"}"}},
               "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
              {"metadata":{"name":"cart-0","annotations":{"single-active.io/status":"{\"lease\":\"cart\"}"}},
               "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
              {"metadata":{"name":"plain"},"status":{"phase":"Running"}},
              {"metadata":{"name":"web-3","annotations":{"single-active.io/status":"{\"lease\":\"web\",\"mode\":\"readiness\"}"}},
               "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"},{"type":"ContainersReady","status":"True"}]}}]}
            """;
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, Pods));
        using var api = server.Client(CallTimeout);

        var pods = await new KubernetesPodApi(api, "shop").ListLeasePodsAsync("web", CancellationToken.None).WaitAsync(TestLimit);

        Assert.Equal([new LeasePod("web-0", true, null, "readiness"), new LeasePod("web-1", false, "leader", "label"), new LeasePod("web-3", false, null, "readiness", ContainersReady: true)], pods);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("GET", "/api/v1/namespaces/shop/pods?fieldSelector=status.phase%3DRunning&limit=100"), (request.Method, request.Path));
    }

    /// <summary>
    /// A namespace larger than a page is read page by page, as the API server serves a list with <c>limit</c>: each
    /// answer names the next page in <c>metadata.continue</c> until the last, which names none.
    /// </summary>
    [Fact]
    public async Task ListLeasePodsAsync_ManyPods_ReadPageByPage()
    {
        using var server = new ScriptedApiServer((_, request) => new ScriptedApiServer.Answer(200, request.Path switch
        {
            var p when p.EndsWith("&limit=100", StringComparison.Ordinal) => PodPage(0, "c/1=="),
            var p when p.EndsWith("&limit=100&continue=c%2F1%3D%3D", StringComparison.Ordinal) => PodPage(2, "c2"),
            var p when p.EndsWith("&limit=100&continue=c2", StringComparison.Ordinal) => PodPage(4, null),
            var p => throw new InvalidOperationException("unexpected " + p),
        }));
        using var api = server.Client(CallTimeout);

        var pods = await new KubernetesPodApi(api, "shop").ListLeasePodsAsync("web", CancellationToken.None).WaitAsync(TestLimit);

        Assert.Equal(["web-0", "web-1", "web-2", "web-3", "web-4", "web-5"], pods.Select(p => p.Name));
        Assert.Equal([true, false, false, false, false, false], pods.Select(p => p.Ready));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task MarkNotReadyAsync_PodGone_False()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(404, """{"kind":"Status","message":"pods \"web-0\" not found"}"""));
        using var api = server.Client(CallTimeout);

        Assert.False(await new KubernetesPodApi(api, "shop").MarkNotReadyAsync("web-0", "SingleActiveFenced", "m", At, CancellationToken.None).WaitAsync(TestLimit));
    }

    [Fact]
    public async Task MarkNotReadyAsync_Forbidden_Throws()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(403, """{"kind":"Status","message":"cannot patch resource \"pods/status\""}"""));
        using var api = server.Client(CallTimeout);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => new KubernetesPodApi(api, "shop").MarkNotReadyAsync("web-0", "SingleActiveFenced", "m", At, CancellationToken.None).WaitAsync(TestLimit));

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("pods/status", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A page of two running pods of Lease web (web-FROM is Ready), naming the next page when there is one.</summary>
    private static string PodPage(int from, string? next)
    {
        var items = Enumerable.Range(from, 2).Select(i =>
            "{\"metadata\":{\"name\":\"web-" + i + "\",\"annotations\":{\"single-active.io/status\":\"{\\\"lease\\\":\\\"web\\\"}\"}},"
            + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + (i == 0 ? "True" : "False") + "\"}]}}");
        var metadata = next is null ? "{\"resourceVersion\":\"7\"}" : "{\"resourceVersion\":\"7\",\"continue\":\"" + next + "\"}";
        return "{\"kind\":\"PodList\",\"metadata\":" + metadata + ",\"items\":[" + string.Join(',', items) + "]}";
    }
}

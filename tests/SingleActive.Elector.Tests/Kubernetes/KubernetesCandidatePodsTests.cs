using System.Text.Json.Nodes;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

public sealed class KubernetesCandidatePodsTests
{
    [Fact]
    public void FromPod_InjectedStandby_ReadsItsLeasePhaseAndCandidacy()
    {
        var pod = JsonNode.Parse("""
            {"metadata":{"name":"web-1","deletionTimestamp":"2026-11-30T10:00:00Z",
               "annotations":{"single-active.io/status":"{\"version\":\"1.0.0\",\"lease\":\"web\",\"mode\":\"readiness\"}"}},
             "status":{"phase":"Running","conditions":[
               {"type":"Ready","status":"False"},
               {"type":"single-active.io/candidate","status":"False","reason":"AppUnhealthy","message":"no"}]}}
            """)!.AsObject();

        Assert.Equal(new CandidatePod("web-1", "web", true, "Running", false, "AppUnhealthy", "no", Mode: "readiness"), KubernetesCandidatePods.FromPod(pod));
    }

    [Fact]
    public void FromPod_PlainPod_HasNoLeaseAndNoCandidacy()
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"db","annotations":{"single-active.io/status":"not json"}},"status":{"phase":"Pending"}}""")!.AsObject();

        Assert.Equal(new CandidatePod("db", null, false, "Pending", null), KubernetesCandidatePods.FromPod(pod));
    }

    [Fact]
    public async Task AdvertiseAsync_PatchesOnlyTheCandidateConditionAndTheDeletionCostThroughPodsStatus()
    {
        using var server = new ScriptedApiServer((_, _) => new ScriptedApiServer.Answer(200, "{}"));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var pods = new KubernetesCandidatePods(api, "shop", "web");

        Assert.True(await pods.AdvertiseAsync("web-1", true, "Campaigning", "ok", leading: true, DateTimeOffset.UnixEpoch, CancellationToken.None));

        var request = server.Requests.Last();
        Assert.Equal(("PATCH", "/api/v1/namespaces/shop/pods/web-1/status"), (request.Method, request.Path));
        Assert.StartsWith("application/strategic-merge-patch+json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal(
            """{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"1000"}},"status":{"conditions":[{"type":"single-active.io/candidate","status":"True","reason":"Campaigning","message":"ok","lastTransitionTime":"1970-01-01T00:00:00Z"}]}}""",
            request.Body);
    }
}

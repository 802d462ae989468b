using SingleActive.Elector.Election;
using SingleActive.Elector.Succession;
using SingleActive.Elector.Tests.Kubernetes;

namespace SingleActive.Elector.Tests.Succession;

/// <summary>Revisions read from apps/v1 as the Deployment and StatefulSet controllers write them.</summary>
public sealed class KubernetesWorkloadRevisionsTests
{
    private static readonly Dictionary<string, string> Objects = new()
    {
        ["/apis/apps/v1/namespaces/shop/replicasets/web-old"] = """{"metadata":{"name":"web-old","annotations":{"deployment.kubernetes.io/revision":"3"},"ownerReferences":[{"kind":"Deployment","name":"web","controller":true}]}}""",
        ["/apis/apps/v1/namespaces/shop/replicasets/web-new"] = """{"metadata":{"name":"web-new","annotations":{"deployment.kubernetes.io/revision":"4"},"ownerReferences":[{"kind":"Deployment","name":"web","controller":true}]}}""",
        ["/apis/apps/v1/namespaces/shop/deployments/web"] = """{"metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"4"}}}""",
        ["/apis/apps/v1/namespaces/shop/statefulsets/db"] = """{"metadata":{"name":"db"},"status":{"currentRevision":"db-1111","updateRevision":"db-2222"}}""",
    };

    [Fact]
    public async Task Deployment_PodsRankByTheirReplicaSetsRevision_AndTheOldOneIsOutdated()
    {
        using var server = new ScriptedApiServer((_, r) => Objects.TryGetValue(r.Path, out var body) ? new(200, body) : new(404, "{}"));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var revisions = new KubernetesWorkloadRevisions(api, "shop");
        var old = Pod("web-old-a", "ReplicaSet", "web-old", "aaaa");
        var updated = Pod("web-new-b", "ReplicaSet", "web-new", "bbbb");

        var view = await revisions.ReadAsync(old, [updated, Pod("bare", null, null, null)], CancellationToken.None);

        Assert.Equal((3L, true), (view.SelfRank, view.SelfOutdated));
        Assert.Equal((4L, 0L), (view.RankOf("web-new-b"), view.RankOf("bare")));
        Assert.False(await revisions.IsOutdatedAsync(updated, CancellationToken.None));
    }

    [Fact]
    public async Task StatefulSet_PodsOfTheUpdateRevisionRankFirst()
    {
        using var server = new ScriptedApiServer((_, r) => Objects.TryGetValue(r.Path, out var body) ? new(200, body) : new(404, "{}"));
        using var api = server.Client(TimeSpan.FromSeconds(10));
        var revisions = new KubernetesWorkloadRevisions(api, "shop");

        var view = await revisions.ReadAsync(Pod("db-0", "StatefulSet", "db", "db-1111"), [Pod("db-2", "StatefulSet", "db", "db-2222")], CancellationToken.None);

        Assert.Equal((0L, true, 1L), (view.SelfRank, view.SelfOutdated, view.RankOf("db-2")));
    }

    [Fact]
    public async Task Forbidden_NoPreferenceAndNotOutdated()
    {
        using var server = new ScriptedApiServer((_, _) => new(403, """{"kind":"Status","code":403,"message":"forbidden"}"""));
        using var api = server.Client(TimeSpan.FromSeconds(10));

        var view = await new KubernetesWorkloadRevisions(api, "shop").ReadAsync(Pod("web-old-a", "ReplicaSet", "web-old", "aaaa"), [], CancellationToken.None);

        Assert.Equal((0L, false), (view.SelfRank, view.SelfOutdated));
    }

    private static CandidatePod Pod(string name, string? ownerKind, string? owner, string? hash) =>
        new(name, "lease", false, "Running", true, Owner: ownerKind is null ? null : new PodOwner(ownerKind, owner!), RevisionHash: hash);
}

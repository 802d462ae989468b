using System.Text;
using System.Text.Json;
using SingleActive.Contract;
using SingleActive.Elector.Http;
using SingleActive.Elector.Tests.Election;

namespace SingleActive.Elector.Tests.Http;

public sealed class ElectorEndpointsTests
{
    [Fact]
    public async Task Readyz_LeaderAndStandby_200And503NamingTheLeader()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        var leader = Endpoints(a).Handle(ElectorHttp.ReadyPath);
        var standby = Endpoints(b).Handle(ElectorHttp.ReadyPath);

        Assert.Equal(200, leader.StatusCode);
        Assert.Equal(503, standby.StatusCode);
        Assert.Equal("standby: a leads\n", Encoding.UTF8.GetString(standby.Body));
    }

    /// <summary>A client-go election names its holders hostname_uuid, which no pod can be named: the answer says another program holds the Lease.</summary>
    [Fact]
    public async Task Readyz_StandbyOfAHolderThatCannotBeAPod_NamesTheOtherProgramAndTheFix()
    {
        await using var cluster = new ElectionCluster();
        cluster.Add("controller-host_0f6e2a9c");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        var standby = Endpoints(b).Handle(ElectorHttp.ReadyPath);

        Assert.Equal(503, standby.StatusCode);
        Assert.Equal(
            $"standby: ns/lease is held by controller-host_0f6e2a9c, which cannot be a pod's name: another program uses this Lease (annotation {Annotations.LeaseName} gives the workload its own)\n",
            Encoding.UTF8.GetString(standby.Body));
    }

    /// <summary>Readiness mode: each /readyz answer is the one the release's kubelet check reasons about.</summary>
    [Fact]
    public async Task Readyz_WithOwnPodReadiness_A200NotedSoAnEarlierNotReadyViewNoLongerCounts()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var readiness = new SingleActive.Elector.PodDeletion.OwnPodReadiness(cluster.Time);
        readiness.Saw(new SingleActive.Elector.PodDeletion.PodSnapshot("u", null, ElectorReady: false));
        var endpoints = new ElectorEndpoints(a.Elector, ElectorMode.Readiness, "ns/lease", a.Metrics, null, ownPod: readiness);

        Assert.Equal(200, endpoints.Handle(ElectorHttp.ReadyPath).StatusCode);

        var waiting = readiness.WaitForKubeletAsync(CancellationToken.None);
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        readiness.Saw(new SingleActive.Elector.PodDeletion.PodSnapshot("u", null, ElectorReady: true));
        readiness.Saw(new SingleActive.Elector.PodDeletion.PodSnapshot("u", null, ElectorReady: false));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Readyz_LabelMode_FollowsHealthOnly()
    {
        await using var cluster = new ElectionCluster();
        cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        var b = cluster.Add("b");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(200, Endpoints(b, ElectorMode.Label).Handle(ElectorHttp.ReadyPath).StatusCode);
    }

    [Fact]
    public async Task Healthz_LoopRunningThenStopped_200Then503()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(200, Endpoints(a).Handle(ElectorHttp.HealthPath).StatusCode);

        await cluster.StopAsync(a);

        Assert.Equal(503, Endpoints(a).Handle(ElectorHttp.HealthPath).StatusCode);
    }

    [Fact]
    public async Task Status_Leader_HasTheContractFields()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));

        var result = Endpoints(a).Handle(ElectorHttp.StatusPath);

        Assert.Equal("application/json", result.ContentType);
        using var json = JsonDocument.Parse(result.Body);
        var root = json.RootElement;
        Assert.Equal("a", root.GetProperty("identity").GetString());
        Assert.Equal("a", root.GetProperty("leader").GetString());
        Assert.True(root.GetProperty("isLeader").GetBoolean());
        Assert.Equal(0, root.GetProperty("leaseTransitions").GetInt32());
        Assert.Equal(cluster.Server.Current!.AcquireTime, root.GetProperty("acquiredAt").GetDateTimeOffset());
        Assert.Equal(cluster.Server.Current.RenewTime, root.GetProperty("lastRenewedAt").GetDateTimeOffset());
        Assert.True(root.GetProperty("ready").GetBoolean());
        Assert.Equal("ns/lease", root.GetProperty("lease").GetString());
    }

    [Fact]
    public async Task Metrics_Leader_ExposesTheElectorSeries()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(5));

        var text = Encoding.UTF8.GetString(Endpoints(a).Handle(ElectorHttp.MetricsPath).Body);

        Assert.Contains("single_active_elector_is_leader 1\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_transitions_total{to=\"leader\"} 1\n", text, StringComparison.Ordinal);
        // Renews at 2 s and 4 s, plus at most one early one when the watch's first read predates the acquisition.
        Assert.Matches("single_active_elector_renew_duration_seconds_count [23]\n", text);
        Assert.Contains("# TYPE single_active_elector_api_errors_total counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_404()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");

        Assert.Equal(404, Endpoints(a).Handle("/admin").StatusCode);
    }

    /// <summary>An elector that can never trust the API server again (a CA it cannot load) is restarted by its liveness probe.</summary>
    [Fact]
    public async Task Healthz_ApiCertificateUntrustedBeyondTheLimit_503AndMetrics()
    {
        await using var cluster = new ElectionCluster();
        var a = cluster.Add("a");
        await cluster.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var ca = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var trust = new SingleActive.Elector.Kubernetes.ApiServerTrust([ca], file: null, cluster.Time);
        var endpoints = new ElectorEndpoints(a.Elector, ElectorMode.Readiness, "ns/lease", a.Metrics, null, trust);

        trust.Validate(null, System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable);
        await cluster.AdvanceAsync(ElectorEndpoints.UntrustedApiLimit);
        Assert.Equal(200, endpoints.Handle(ElectorHttp.HealthPath).StatusCode);
        await cluster.AdvanceAsync(TimeSpan.FromSeconds(1));

        var health = endpoints.Handle(ElectorHttp.HealthPath);
        Assert.Equal(503, health.StatusCode);
        Assert.StartsWith("the API server's certificate has not been trusted for 91 s", Encoding.UTF8.GetString(health.Body), StringComparison.Ordinal);
        Assert.Contains("single_active_elector_api_tls_failures_total 1\n", Encoding.UTF8.GetString(endpoints.Handle(ElectorHttp.MetricsPath).Body), StringComparison.Ordinal);
    }

    private static ElectorEndpoints Endpoints(Candidate candidate, ElectorMode mode = ElectorMode.Readiness) =>
        new(candidate.Elector, mode, "ns/lease", candidate.Metrics, null);
}

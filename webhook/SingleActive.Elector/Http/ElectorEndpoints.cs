using System.Text.Json;
using SingleActive.Contract;
using SingleActive.Elector.Election;
using SingleActive.Elector.Health;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Http;

/// <summary>Maps the four paths to answers; no I/O, so it is tested without sockets.</summary>
/// <param name="trust">The API server's certificate checks: failing for longer than <see cref="UntrustedApiLimit"/> fails <c>/healthz</c>.</param>
/// <param name="ownPod">Readiness mode: told of every <c>/readyz</c> answer, so a release knows which not-ready view is the kubelet's latest.</param>
public sealed class ElectorEndpoints(
    LeaderElector elector,
    ElectorMode mode,
    string leaseDescription,
    ElectorMetrics metrics,
    AppHealthMonitor? appHealth,
    ApiServerTrust? trust = null,
    OwnPodReadiness? ownPod = null)
{
    /// <summary>
    /// How long the API server's certificate may go untrusted before <c>/healthz</c> fails and the kubelet restarts the
    /// elector (which then reads the CA bundle afresh): far beyond a CA rotation's reload (30 s), short enough that an
    /// elector that can never reach its Lease again does not sit there looking healthy.
    /// </summary>
    public static readonly TimeSpan UntrustedApiLimit = TimeSpan.FromSeconds(90);

    public HttpResult Handle(string path) => path switch
    {
        ElectorHttp.ReadyPath => Ready(),
        ElectorHttp.HealthPath => Health(),
        ElectorHttp.StatusPath => Status(),
        ElectorHttp.MetricsPath => new HttpResult(200, "text/plain; version=0.0.4; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(metrics.Render(elector.Status, IsReady, appHealth?.LastCheckPassed, trust))),
        _ => HttpResult.Text(404, "not found\n"),
    };

    /// <summary>Readiness mode: leader with a fresh renew. Label mode: the Service selects on the role label, so readiness is health only.</summary>
    private bool IsReady => mode == ElectorMode.Label ? elector.IsAlive : elector.IsReady;

    private HttpResult Health()
    {
        if (!elector.IsAlive)
        {
            return HttpResult.Text(503, "election loop stalled\n");
        }

        return trust?.FailingFor is { } failing && failing > UntrustedApiLimit
            ? HttpResult.Text(503, $"the API server's certificate has not been trusted for {failing.TotalSeconds:0} s (checked against the cluster CA bundle, re-read every 30 s)\n")
            : HttpResult.Text(200, "ok\n");
    }

    private HttpResult Ready()
    {
        if (ownPod?.ServeReadyz(() => IsReady) ?? IsReady)
        {
            return HttpResult.Text(200, "ok\n");
        }

        var status = elector.Status;
        return HttpResult.Text(503, elector.IsRetired
            ? "not leading: this pod is being deleted\n"
            : status.AwaitingFence
            ? "leading, not ready until the previous holder's pod, and any other pod of the Lease still Ready or ContainersReady, is marked not ready\n"
            : status.Leader is { } other && other != status.Identity && !KubernetesNames.IsDnsSubdomain(other)
            ? $"standby: {leaseDescription} is held by {other}, which cannot be a pod's name: another program uses this Lease (annotation {Annotations.LeaseName} gives the workload its own)\n"
            : status.Leader is { } leader && leader != status.Identity
            ? $"standby: {leader} leads\n"
            : "not leading\n");
    }

    private HttpResult Status()
    {
        var s = elector.Status;
        var document = new StatusDocument(s.Identity, s.Leader, s.IsLeader, s.LeaseTransitions, s.AcquiredAt, s.LastRenewedAt, IsReady, leaseDescription);
        return new HttpResult(200, "application/json", JsonSerializer.SerializeToUtf8Bytes(document, StatusJsonContext.Default.StatusDocument));
    }
}

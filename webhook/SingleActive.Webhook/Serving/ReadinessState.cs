using SingleActive.Kube.ApiConnection;
using SingleActive.Webhook.KubernetesApi;

namespace SingleActive.Webhook.Serving;

/// <summary>
/// Ready once the listener runs with a certificate loaded and, with a Kubernetes API configured, the API
/// server's version is known (it decides native sidecars: a replica that answered before knowing would
/// inject the regular-container fallback into pods on 1.29+) — or <see cref="VersionWait"/> has passed,
/// so an API server that cannot be reached does not keep the webhook out of its Service. Not ready from
/// the moment shutdown begins.
/// </summary>
public sealed class ReadinessState(ClusterConnection? connection = null, IClusterVersion? clusterVersion = null, TimeProvider? timeProvider = null)
{
    public static readonly TimeSpan VersionWait = TimeSpan.FromSeconds(10);

    private const string Ready = "ready";

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private long startedAt;
    private volatile bool started;
    private volatile bool stopping;

    public bool IsReady => Reason == Ready;

    public string Reason =>
        stopping ? "shutting down"
        : !started ? "starting"
        : WaitingForVersion ? "waiting for the Kubernetes API server's version"
        : Ready;

    private bool WaitingForVersion =>
        connection?.Client is not null && clusterVersion is { ServerVersion: null } && time.GetElapsedTime(Interlocked.Read(ref startedAt)) < VersionWait;

    public void MarkStarted()
    {
        Interlocked.Exchange(ref startedAt, time.GetTimestamp());
        started = true;
    }

    public void MarkStopping() => stopping = true;
}

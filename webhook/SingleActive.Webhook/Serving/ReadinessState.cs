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

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private long _startedAt;
    private volatile bool _started;
    private volatile bool _stopping;

    public bool IsReady => Reason == Ready;

    public string Reason =>
        _stopping ? "shutting down"
        : !_started ? "starting"
        : WaitingForVersion ? "waiting for the Kubernetes API server's version"
        : Ready;

    private bool WaitingForVersion =>
        connection?.Client is not null && clusterVersion is { ServerVersion: null } && _time.GetElapsedTime(Interlocked.Read(ref _startedAt)) < VersionWait;

    public void MarkStarted()
    {
        Interlocked.Exchange(ref _startedAt, _time.GetTimestamp());
        _started = true;
    }

    public void MarkStopping() => _stopping = true;
}

namespace SingleActive.Contract;

/// <summary>Environment variables the webhook renders into the elector (and app) containers.</summary>
public static class ElectorEnv
{
    public const string PodName = "POD_NAME";
    public const string PodNamespace = "POD_NAMESPACE";

    /// <summary>Downward API <c>metadata.uid</c>: lets the elector's Events carry the pod's uid, which <c>kubectl describe pod</c> filters on.</summary>
    public const string PodUid = "POD_UID";
    public const string LeaseName = "SINGLE_ACTIVE_LEASE_NAME";
    public const string LeaseDuration = "SINGLE_ACTIVE_LEASE_DURATION";
    public const string RenewDeadline = "SINGLE_ACTIVE_RENEW_DEADLINE";
    public const string RetryPeriod = "SINGLE_ACTIVE_RETRY_PERIOD";

    /// <summary>
    /// The period of the readinessProbe the webhook rendered on the elector (a duration in whole seconds, e.g. <c>3s</c>),
    /// only when it is not <see cref="ReadinessProbeTimings.Default"/>'s: a release waits for the kubelet's next probe.
    /// </summary>
    public const string ProbePeriod = "SINGLE_ACTIVE_PROBE_PERIOD";
    public const string Port = "SINGLE_ACTIVE_PORT";

    /// <summary>
    /// Address the elector's HTTP server binds. Default <c>::</c>, dual-stack: every IPv6 and IPv4 address of the pod,
    /// so the kubelet can probe the pod IP on IPv4, IPv6-only and dual-stack clusters (IPv4 only where the host has no IPv6).
    /// </summary>
    public const string Bind = "SINGLE_ACTIVE_BIND";
    public const string AppHealthUrl = "SINGLE_ACTIVE_APP_HEALTH_URL";

    /// <summary>
    /// The app container's readinessProbe for the elector to run as the kubelet does (JSON, see <c>AppProbeSpec</c>):
    /// leadership follows the app's health. Supersedes <see cref="AppHealthUrl"/>, which older webhooks rendered.
    /// </summary>
    public const string AppProbe = "SINGLE_ACTIVE_APP_PROBE";

    /// <summary>
    /// Downward API <c>spec.nodeName</c>: the node the elector watches (cordon, drain taints) to hand over before the
    /// node is drained, and to stay out of the way as a standby there.
    /// </summary>
    public const string NodeName = "NODE_NAME";

    /// <summary>
    /// The node taints that mean "this node is about to be drained" (comma-separated keys, or <c>key=value</c>);
    /// rendered from the pod's <see cref="Annotations.DrainTaints"/>, <see cref="DrainTaints.Default"/> when unset.
    /// </summary>
    public const string DrainTaints = "SINGLE_ACTIVE_DRAIN_TAINTS";

    /// <summary>Downward API <c>status.podIP</c>: the address the kubelet probes, and so the elector too.</summary>
    public const string PodIp = "POD_IP";

    /// <summary>Consecutive failed app-health checks after which a leader releases the Lease.</summary>
    public const string AppHealthFailureThreshold = "SINGLE_ACTIVE_APP_HEALTH_FAILURE_THRESHOLD";

    /// <summary><c>readiness</c> or <c>label</c>; see <see cref="ElectorMode"/>.</summary>
    public const string Mode = "SINGLE_ACTIVE_MODE";

    /// <summary>Rendered into app containers: the elector's <c>/status</c> URL.</summary>
    public const string StatusUrl = "SINGLE_ACTIVE_STATUS_URL";
}

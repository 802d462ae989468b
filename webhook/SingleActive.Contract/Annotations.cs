namespace SingleActive.Contract;

/// <summary>Annotation keys users set and the webhook writes.</summary>
public static class Annotations
{
    /// <summary>The opt-in: <c>"true"</c> or <c>"false"</c>, case-insensitive; anything else is denied.</summary>
    public const string Enabled = "single-active";

    /// <summary>Prefix of every per-pod override.</summary>
    public const string Prefix = "single-active.io/";

    /// <summary>Written by the webhook: JSON describing what was injected. Its presence makes re-invocation a no-op.</summary>
    public const string Status = Prefix + "status";

    public const string LeaseName = Prefix + "lease-name";
    public const string Mode = Prefix + "mode";
    public const string LeaseDuration = Prefix + "lease-duration";
    public const string RenewDeadline = Prefix + "renew-deadline";
    public const string RetryPeriod = Prefix + "retry-period";
    public const string ProbePeriod = Prefix + "probe-period";

    /// <summary>The elector's container port; required for hostNetwork pods, where only the user knows which node ports are free.</summary>
    public const string Port = Prefix + "port";

    /// <summary>The elector's resources, overriding the webhook's defaults for one pod (Kubernetes quantities).</summary>
    public const string CpuRequest = Prefix + "cpu-request";
    public const string MemoryRequest = Prefix + "memory-request";
    public const string CpuLimit = Prefix + "cpu-limit";
    public const string MemoryLimit = Prefix + "memory-limit";

    /// <summary>
    /// Per pod: the node taints after which the leader hands over before the node is drained (comma-separated taint
    /// keys, each optionally <c>=value</c>), replacing <see cref="DrainTaints.Default"/>; a cordon always counts.
    /// </summary>
    public const string DrainTaints = Prefix + "drain-taints";

    /// <summary>
    /// On the Lease, written by the elector: the holder a released (or newly taken) Lease succeeds, so a successor
    /// that never saw that holder still knows whose pod to fence.
    /// </summary>
    public const string PreviousHolder = Prefix + "previous-holder";

    /// <summary>
    /// On the Lease, set by an operator (<c>kubectl single-active handover</c>): asks the leader to hand the Lease to
    /// this pod, or to any other healthy standby (<see cref="AnyHolder"/>). The leader clears it when done or refused
    /// and records the outcome in <see cref="LastHandover"/>. While a handover runs, the released Lease names the chosen
    /// pod here, and only that pod may take it (for <c>HandoverRequest.Window</c>). The vocabulary of Kubernetes'
    /// coordinated leader election (<c>spec.preferredHolder</c>), kept in an annotation: that field needs a feature gate.
    /// </summary>
    public const string PreferredHolder = Prefix + "preferred-holder";

    /// <summary>The value of <see cref="PreferredHolder"/> that lets the leader choose any other healthy standby.</summary>
    public const string AnyHolder = "any";

    /// <summary>
    /// On the Lease, set by an operator (<c>kubectl single-active pause</c>): failover is frozen while it is present
    /// with any value but <c>"false"</c> (see <see cref="FailoverPause"/>). Standbys take no Lease, not even an
    /// expired one; the leader keeps renewing and does not step down for app health.
    /// </summary>
    public const string Paused = Prefix + "paused";

    /// <summary>On the Lease, written by the electors: the last directed handover's outcome (JSON, see <see cref="HandoverRecord"/>).</summary>
    public const string LastHandover = Prefix + "last-handover";
}

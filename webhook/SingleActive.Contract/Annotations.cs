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
    /// On the Lease, written by the elector: the holder a released (or newly taken) Lease succeeds, so a successor
    /// that never saw that holder still knows whose pod to fence.
    /// </summary>
    public const string PreviousHolder = Prefix + "previous-holder";
}

namespace SingleActive.Webhook.Injection;

/// <summary>Which form the elector takes in a pod: a native sidecar or a regular container, and why.</summary>
public static class SidecarModes
{
    /// <summary>Native sidecars are beta and on by default from 1.29 (SidecarContainers feature gate).</summary>
    public static readonly Version NativeSidecarMinimum = new(1, 29);

    /// <summary>
    /// Before 1.28 (where the SidecarContainers gate appeared) the API server drops <c>initContainers[].restartPolicy</c>
    /// and refuses probes on init containers ("must not be set for init containers"): a native sidecar cannot even be stored.
    /// </summary>
    public static readonly Version NativeSidecarStorable = new(1, 28);

    /// <summary>
    /// <see cref="SidecarMode.Auto"/> picks native only when the API server and the oldest kubelet of the cluster are
    /// 1.29 or newer. The API server alone is not enough: during a control-plane-first upgrade, older kubelets treat
    /// an init container with <c>restartPolicy: Always</c> as a plain init container that never completes, and the
    /// pod stays in <c>Init</c> forever. Anything unknown means a regular container, which runs everywhere.
    /// </summary>
    /// <param name="oldestKubelet">The oldest kubelet among the nodes; offline injection passes the version the user gave.</param>
    public static SidecarChoice Choose(SidecarMode mode, Version? serverVersion, Version? oldestKubelet) => mode switch
    {
        // Forced native still yields to an API server that would refuse every such pod with a validation error.
        SidecarMode.Native when serverVersion is not null && serverVersion < NativeSidecarStorable =>
            new(false, $"configured: native, but the API server is {Short(serverVersion)} and cannot store native sidecars (1.28 or newer)"),
        SidecarMode.Native => new(true, "configured: native"),
        SidecarMode.Container => new(false, "configured: container"),
        _ when serverVersion is null => new(false, "auto: API server version unknown"),
        _ when serverVersion < NativeSidecarMinimum => new(false, $"auto: API server {Short(serverVersion)} (native sidecars need {Short(NativeSidecarMinimum)})"),
        _ when oldestKubelet is null => new(false, "auto: node kubelet versions unknown"),
        _ when oldestKubelet < NativeSidecarMinimum => new(false, $"auto: oldest node kubelet {Short(oldestKubelet)} (native sidecars need {Short(NativeSidecarMinimum)} on every node)"),
        _ => new(true, $"auto: API server {Short(serverVersion)}, oldest node kubelet {Short(oldestKubelet)}"),
    };

    private static string Short(Version version) => $"{version.Major}.{version.Minor}";
}

using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>The per-pod choices render needs: options with the pod's annotation overrides applied and checked.</summary>
/// <param name="PodRunsAsRoot">The pod's securityContext sets <c>runAsUser: 0</c>: a container without its own <c>runAsUser</c> would run as root, which the elector's <c>runAsNonRoot</c> refuses (see <see cref="ElectorContainer.ImageUser"/>).</param>
/// <param name="DrainTaints">The pod's <c>single-active.io/drain-taints</c>, normalized (<see cref="DrainTaintList.Format"/>); null when unset, and the elector uses <see cref="Contract.DrainTaints.Default"/>.</param>
public sealed record InjectionSettings(
    string LeaseName,
    ElectorMode Mode,
    ElectionTimings Timings,
    ReadinessProbeTimings Probe,
    int Port,
    bool HostNetwork,
    SidecarChoice Sidecar,
    ElectorResources Resources,
    ServiceAccountAvailability DedicatedAccount = ServiceAccountAvailability.Assumed,
    string? DrainTaints = null,
    bool PodRunsAsRoot = false)
{
    public bool NativeSidecar => Sidecar.Native;
}

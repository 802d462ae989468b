using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>The per-pod choices render needs: options with the pod's annotation overrides applied and checked.</summary>
public sealed record InjectionSettings(
    string LeaseName,
    ElectorMode Mode,
    ElectionTimings Timings,
    ReadinessProbeTimings Probe,
    int Port,
    bool HostNetwork,
    SidecarChoice Sidecar,
    ElectorResources Resources,
    ServiceAccountAvailability DedicatedAccount = ServiceAccountAvailability.Assumed)
{
    public bool NativeSidecar => Sidecar.Native;
}

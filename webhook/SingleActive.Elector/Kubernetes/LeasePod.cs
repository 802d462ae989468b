namespace SingleActive.Elector.Kubernetes;

/// <summary>A running pod of this elector's Lease as the API server has it, for the sweep a new term makes (see <see cref="LeadershipReporter"/>).</summary>
/// <param name="Name">The pod's name: its elector's identity.</param>
/// <param name="Ready">Its <c>Ready</c> condition is <c>True</c>: Services route to it in readiness mode.</param>
/// <param name="Role">Its <c>single-active.io/role</c> label (label mode); null without one.</param>
/// <param name="Mode">The <c>mode</c> of its <c>single-active.io/status</c> annotation (<c>readiness</c> or <c>label</c>); null when not written.</param>
/// <param name="ContainersReady">Its <c>ContainersReady</c> condition is <c>True</c>: load balancers that register pods themselves may route to it even when it is not Ready (see <see cref="KubernetesPodApi.FencedConditions"/>).</param>
public sealed record LeasePod(string Name, bool Ready, string? Role, string? Mode, bool ContainersReady = false)
{
    /// <summary>Something may route to it in readiness mode: <see cref="Ready"/> or <see cref="ContainersReady"/>.</summary>
    public bool MayServe => Ready || ContainersReady;
}

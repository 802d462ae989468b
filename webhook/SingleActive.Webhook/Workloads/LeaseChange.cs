using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Refuses to change the Lease a running workload's pods campaign for when a rollout would split its replicas over two
/// Leases, each with a leader.
/// </summary>
/// <remarks>
/// A pod campaigns for the Lease its template named when it was created (<see cref="Annotations.LeaseName"/>, else the
/// workload's name; baked into an offline-injected template's status), and the elector knows no other. Once the
/// template names another, the first new pod finds that Lease free and leads at once while the old leader still holds
/// the old one (another old pod takes it over when its leader goes), and both are Ready (readiness mode) or labelled
/// leader (label mode) until the last pod on the old Lease is gone: soon for a Deployment with the 100%
/// <c>maxUnavailable</c> the webhook sets, only after a new pod is available with 99%, after every other replica for a
/// StatefulSet (highest ordinal first) or a label-mode Deployment, and never for an <c>OnDelete</c> StatefulSet until
/// someone deletes it. A Deployment with strategy <c>Recreate</c> cannot split: its
/// controller creates no new pod while an old one still runs, terminating ones included (<c>rolloutRecreate</c>,
/// kubernetes/pkg/controller/deployment/recreate.go). Nor can a workload that runs no pod before or after the change.
/// </remarks>
public static class LeaseChange
{
    /// <summary>
    /// The denial when <paramref name="workload"/>'s template names another Lease than <see cref="WorkloadRequest.PreviousTemplate"/>
    /// while the stored object may run pods (<see cref="WorkloadRequest.PreviousMayRunPods"/>) and the changed one would
    /// run some; null otherwise, and when either side opts out or names no valid Lease (its pods are denied: the injection
    /// says why).
    /// </summary>
    public static string? Refusal(Workload workload, WorkloadRequest request, bool recreate)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.PreviousMayRunPods || workload.Replicas is 0 || recreate || request.PreviousTemplate is not { } stored
            || LeaseOf(stored, workload.Name) is not { } previous || LeaseOf(workload.Template, workload.Name) is not { } lease
            || string.Equals(previous, lease, StringComparison.Ordinal))
        {
            return null;
        }

        var scope = string.IsNullOrEmpty(workload.Namespace) ? "" : " -n " + workload.Namespace;
        var recreateFix = workload.Kind == Workload.DeploymentKind
            ? "set spec.strategy.type: Recreate and remove spec.strategy.rollingUpdate in the same change (no new pod starts while an old one runs; the pods are replaced all at once), or "
            : "";
        return $"{workload.Description} may run pods that campaign for Lease \"{previous}\", and its changed pod template names Lease \"{lease}\" " +
            $"(annotation {Annotations.LeaseName}, else the workload's name): the first new pod would lead on \"{lease}\" while the current leader " +
            $"still leads on \"{previous}\", two replicas serving at once until the last pod on the old Lease is gone. " +
            $"Fix: keep the Lease (set {Annotations.LeaseName}: \"{previous}\" on the pod template), or {recreateFix}change it with the workload scaled to 0 " +
            $"(spec.replicas: 0 in the same change, or kubectl scale {workload.Reference}{scope} --replicas=0 first) and scale it back up once its pods are gone. " +
            $"The new Lease starts its leaseTransitions (the fencing epoch) at 0; the old Lease object stays until deleted.";
    }

    /// <summary>
    /// The Lease the pods of <paramref name="template"/> campaign for, as the injection names it for the template
    /// (<see cref="LeaseNames.Of"/> on <see cref="WorkloadMutator.TemplatePod"/>); an offline-injected template's status says it. Null when the template
    /// does not opt in or the name is not a valid Lease name.
    /// </summary>
    private static string? LeaseOf(V1PodTemplateSpec template, string? workloadName)
    {
        if (OptIn.Read(template.Metadata?.Annotations) != OptInValue.True)
        {
            return null;
        }

        var pod = WorkloadMutator.TemplatePod(template, workloadName);
        var lease = (PodInjectionStatus.StatusOf(pod) is { } status ? PodInjectionStatus.Text(status, "lease") : null)
            ?? LeaseNames.Of(pod, workloadName, out _);
        return KubernetesNames.IsDnsSubdomain(lease) ? lease : null;
    }
}

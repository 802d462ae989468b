using k8s.Models;

namespace SingleActive.Webhook.Workloads;

/// <summary>What the workload decisions need besides the object.</summary>
/// <param name="IsCreate">podManagementPolicy can only be set on create.</param>
/// <param name="PreviousTemplate">The stored object's pod template on UPDATE, to tell whether this request starts a rollout; null on create.</param>
/// <param name="Namespace">The request's namespace, for objects that leave it empty.</param>
/// <param name="InjectTemplate">
/// Set for offline injection, where no webhook sees the pods: the template itself gets the elector, its sidecar kind
/// chosen for the versions given. Null in the webhook, which only checks the template here and injects each pod when
/// it is created.
/// </param>
/// <param name="PreviousMayRunPods">
/// On UPDATE, whether the stored object may run pods: its <c>spec.replicas</c> (the API server's default 1 when unset) or
/// its <c>status.replicas</c> is above 0 (a StatefulSet counts every pod it created; a Deployment's ReplicaSets leave out
/// pods being deleted, whose electors have released their Lease at once). See <see cref="LeaseChange"/>.
/// </param>
public sealed record WorkloadRequest(
    bool IsCreate,
    V1PodTemplateSpec? PreviousTemplate = null,
    string? Namespace = null,
    TemplateInjection? InjectTemplate = null,
    bool PreviousMayRunPods = false);

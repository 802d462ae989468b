using k8s.Models;

namespace SingleActive.Webhook.Workloads;

/// <summary>What the workload decisions need besides the object.</summary>
/// <param name="IsCreate">podManagementPolicy can only be set on create.</param>
/// <param name="PreviousTemplate">The stored object's pod template on UPDATE, to tell whether this request starts a rollout; null on create.</param>
/// <param name="Namespace">The request's namespace, for objects that leave it empty.</param>
/// <param name="InjectTemplate">
/// True for offline injection, where no webhook sees the pods: the template itself gets the elector.
/// False in the webhook, which only checks the template here and injects each pod when it is created.
/// </param>
/// <param name="ServerVersion">For the sidecar kind when <see cref="InjectTemplate"/> is set; null when unknown.</param>
/// <param name="OldestKubelet">The oldest node kubelet, for the sidecar kind with <see cref="InjectTemplate"/>; null when unknown.</param>
/// <param name="PreviousLease">
/// On UPDATE, the Lease the stored object's pods campaign for when its template opts in
/// (<see cref="SingleActive.Kube.Workloads.SingleActiveWorkload.LeaseName"/>); null otherwise. See <see cref="LeaseChange"/>.
/// </param>
/// <param name="PreviousPods">
/// On UPDATE, how many pods the stored object may run: the larger of its <c>spec.replicas</c> (the API server's default 1
/// when unset) and its <c>status.replicas</c> (pods still there after a scale-down); 0 on create.
/// </param>
public sealed record WorkloadRequest(
    bool IsCreate,
    V1PodTemplateSpec? PreviousTemplate = null,
    string? Namespace = null,
    bool InjectTemplate = false,
    Version? ServerVersion = null,
    Version? OldestKubelet = null,
    string? PreviousLease = null,
    int PreviousPods = 0);

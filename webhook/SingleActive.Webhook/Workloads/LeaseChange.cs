using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Refuses to change the Lease a running workload's pods campaign for: a rollout would split its replicas over two
/// Leases, each with a leader.
/// </summary>
/// <remarks>
/// A pod campaigns for the Lease its template named when it was created (<see cref="Annotations.LeaseName"/>, else the
/// workload's name), and the elector knows no other. Once the template names another, the first new pod finds that
/// Lease free and leads at once while the old leader still holds the old one, and both are Ready (readiness mode) or
/// labelled leader (label mode) until the rollout removes the old leader: at once for a Deployment with the 100%
/// <c>maxUnavailable</c> the webhook sets, but only after every other replica for a StatefulSet (it replaces pods from
/// the highest ordinal down), a label-mode Deployment (its own <c>maxUnavailable</c>) or an <c>OnDelete</c> StatefulSet
/// (never, until someone deletes it). A workload that runs no pod, before or after the change, cannot split.
/// </remarks>
public static class LeaseChange
{
    /// <summary>
    /// The denial for a change from <see cref="WorkloadRequest.PreviousLease"/> to <paramref name="lease"/> while the stored
    /// object may run pods and the changed one would run some; null when the Lease stays, either runs none, or the stored
    /// name is no valid Lease name (its pods were all denied).
    /// </summary>
    public static string? Refusal(Workload workload, WorkloadRequest request, string lease)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(request);
        // A stored Lease name that is not a valid one had every pod denied: nothing runs on it.
        if (request.PreviousLease is not { } previous || string.Equals(previous, lease, StringComparison.Ordinal)
            || !KubernetesNames.IsDnsSubdomain(previous) || request.PreviousPods <= 0 || workload.Replicas is 0)
        {
            return null;
        }

        var reference = $"{workload.Kind.ToLowerInvariant()}/{workload.Name}";
        var scope = string.IsNullOrEmpty(workload.Namespace) ? "" : " -n " + workload.Namespace;
        return $"{workload.Description} runs pods that campaign for Lease \"{previous}\", and its changed pod template names Lease \"{lease}\" " +
            $"(annotation {Annotations.LeaseName}, else the workload's name): the first new pod would lead on \"{lease}\" while the current leader " +
            $"still leads on \"{previous}\", two replicas serving at once until the rollout removes the old leader. " +
            $"Fix: keep the Lease (set {Annotations.LeaseName}: \"{previous}\" on the pod template), or change it with the workload scaled to 0 " +
            $"(spec.replicas: 0 in the same change, or kubectl scale {reference}{scope} --replicas=0 first) and scale it back up afterwards.";
    }
}

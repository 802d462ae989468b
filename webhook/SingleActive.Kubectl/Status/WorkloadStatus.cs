using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Status;

/// <summary>One row of <c>kubectl single-active status</c>: who leads a workload, since when, who could take over.</summary>
/// <param name="LeaderNode">The leader pod's node; null when the pod is not scheduled or gone.</param>
/// <param name="LeaderPodFound">The holder named in the Lease is a pod that exists (false: it died, the Lease waits to expire).</param>
/// <param name="Epoch">The Lease's leaseTransitions: the fencing epoch.</param>
/// <param name="LeadingSince">The Lease's acquireTime (the holder's wall clock).</param>
/// <param name="StandbysReady">Replicas other than the leader whose elector says it can take over (condition single-active.io/candidate True).</param>
/// <param name="Why">How the current term began, in words.</param>
public sealed record WorkloadStatus(
    SingleActiveWorkload Workload,
    string? Leader,
    bool LeaderPodFound,
    string? LeaderNode,
    int? Epoch,
    DateTimeOffset? LeadingSince,
    int StandbysReady,
    int Standbys,
    bool Paused,
    string Why,
    HandoverRecord? LastHandover)
{
    /// <summary>What the Lease and the workload's pods say; a pure function, so every rendering is tested without a cluster.</summary>
    public static WorkloadStatus From(SingleActiveWorkload workload, V1Lease? lease, IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pods);
        var annotations = lease?.Metadata?.Annotations ?? new Dictionary<string, string>();
        var holder = string.IsNullOrEmpty(lease?.Spec?.HolderIdentity) ? null : lease!.Spec.HolderIdentity;
        var leaderPod = pods.FirstOrDefault(p => p.Metadata?.Name == holder);
        var standbys = pods.Where(p => p.Metadata?.Name != holder && p.Metadata?.DeletionTimestamp is null).ToList();
        var paused = FailoverPause.IsPaused(annotations.TryGetValue(Annotations.Paused, out var pause) ? pause : null);
        var last = HandoverRecord.Parse(annotations.TryGetValue(Annotations.LastHandover, out var json) ? json : null);
        var previous = annotations.TryGetValue(Annotations.PreviousHolder, out var p) && !string.IsNullOrEmpty(p) ? p : null;
        return new WorkloadStatus(
            workload,
            holder,
            leaderPod is not null,
            leaderPod?.Spec?.NodeName,
            lease?.Spec?.LeaseTransitions,
            holder is null ? null : lease?.Spec?.AcquireTime,
            standbys.Count(IsCandidate),
            standbys.Count,
            paused,
            TermBegan(lease, holder, previous, last),
            last);
    }

    /// <summary>The pod's elector says it could take over now.</summary>
    public static bool IsCandidate(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == PodConditions.Candidate && c.Status == "True") == true;

    private static string TermBegan(V1Lease? lease, string? holder, string? previous, HandoverRecord? last) =>
        (lease, holder) switch
        {
            (null, _) => "no Lease yet: no elector has run",
            (_, null) when lease.Spec?.LeaseDurationSeconds == 1 => previous is null ? "released" : $"released by {previous}",
            (_, null) => "no holder",
            _ when last is { Outcome: HandoverOutcome.Done } && last.Target == holder && last.From != holder => $"handover from {last.From} (requested {last.Requested})",
            _ when previous is not null && previous != holder => $"took over from {previous}",
            _ => "first term",
        };
}

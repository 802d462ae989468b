using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>
/// The leader's answer to a directed-handover request: hand over to <see cref="Target"/>
/// (<see cref="HandoverOutcome.InProgress"/>), nothing to do (<see cref="HandoverOutcome.Done"/>: it leads already),
/// or refused with the reason. A pure function of what the leader read.
/// </summary>
public sealed record HandoverDecision(HandoverOutcome Outcome, string? Target, string Reason)
{
    public static HandoverDecision AlreadyLeads(string self) => new(HandoverOutcome.Done, self, $"{self} already leads");

    public static HandoverDecision Paused() =>
        Refuse(null, $"failover is paused (annotation {Annotations.Paused} on the Lease): resume it first");

    public static HandoverDecision Refuse(string? target, string reason) => new(HandoverOutcome.Refused, target, reason);

    /// <summary>A named pod: it must be a running, healthy standby of this Lease that is not being deleted.</summary>
    public static HandoverDecision ForPod(string name, string leaseName, CandidatePod? pod) =>
        WhyNot(pod, name, leaseName) is { } reason ? Refuse(name, reason) : new(HandoverOutcome.InProgress, name, $"handing the Lease to {name}");

    /// <summary><see cref="Annotations.AnyHolder"/>: the first standby by name that could take over; refused, with each one's reason, when none can.</summary>
    public static HandoverDecision ForAny(string self, string leaseName, IReadOnlyList<CandidatePod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var replicas = pods.Where(p => p.Name != self && p.Lease == leaseName).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (replicas.FirstOrDefault(p => WhyNot(p, p.Name, leaseName) is null) is { } chosen)
        {
            return new(HandoverOutcome.InProgress, chosen.Name, $"handing the Lease to {chosen.Name}, the first standby that can take over");
        }

        return Refuse(null, replicas.Count == 0
            ? $"no other running replica campaigns for Lease {leaseName}"
            : "no other replica can take over: " + string.Join("; ", replicas.Select(p => WhyNot(p, p.Name, leaseName))));
    }

    /// <summary>Why <paramref name="pod"/> cannot take the Lease now; <c>null</c> when it can.</summary>
    public static string? WhyNot(CandidatePod? pod, string name, string leaseName) => pod switch
    {
        null => $"pod {name} does not exist",
        { Lease: null } => $"pod {name} is not a single-active replica (no {Annotations.Status} annotation)",
        _ when pod.Lease != leaseName => $"pod {name} campaigns for Lease {pod.Lease}, not {leaseName}",
        { Deleting: true } => $"pod {name} is being deleted",
        _ when pod.Phase != "Running" => $"pod {name} is {pod.Phase ?? "not running"}, not Running",
        { Candidate: null } => $"pod {name} has not said whether it can take over (no {PodConditions.Candidate} condition: is its elector running this version?)",
        { Candidate: false, CandidateReason: PodConditions.CandidateAppUnhealthy } => $"the app of pod {name} is unhealthy ({pod.CandidateMessage})",
        { Candidate: false } => $"pod {name} cannot take over ({pod.CandidateReason}: {pod.CandidateMessage})",
        _ => null,
    };
}

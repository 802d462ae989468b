using k8s.Models;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Gives a readiness-mode Deployment a rollout strategy that cannot stall.
/// </summary>
/// <remarks>
/// With only the leader Ready, a RollingUpdate that must keep more than one pod available never finishes: no second pod
/// is ever available. <c>maxUnavailable: 99%</c> keeps exactly one: the Deployment controller rounds it down
/// (<c>GetScaledValueFromIntOrPercent(..., roundUp: false)</c> in kubernetes/pkg/controller/deployment/util), to N−1
/// for up to 100 replicas, and keeps the most available old pod, the leader, until a new pod is available. The leader
/// hands over to a standby of the newer revision as soon as one can take over (docs/elector.md, "One handover per
/// rollout"), which makes that pod available, and the old pods stop. So a rollout hands over once and gracefully, and
/// a release whose pods never become healthy stalls with the old leader serving, as a plain Deployment would. With
/// <c>100%</c> (what earlier versions set, still accepted) every old pod stops at once, the leader too, before any new
/// pod can take over; Recreate does the same and is kept when chosen.
/// </remarks>
public static class DeploymentStrategyPlanner
{
    public const string RollingUpdate = "RollingUpdate";
    public const string Recreate = "Recreate";

    /// <summary>What the webhook sets: every pod but one may be unavailable, and that one is the leader.</summary>
    public const string LeaderKeepingUnavailability = "99%";

    /// <summary>Every pod may be unavailable: never stalls either, but stops the leader with the rest (set by earlier versions).</summary>
    public const string FullUnavailability = "100%";

    /// <summary>The API server's own default, written out so that users see what surge they get.</summary>
    public const string DefaultMaxSurge = "25%";

    /// <summary>Changes the strategy when it could stall; returns the warning that says what and why, or null when nothing changed.</summary>
    public static string? Apply(V1Deployment deployment, string description)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        deployment.Spec ??= new V1DeploymentSpec();
        var strategy = deployment.Spec.Strategy ??= new V1DeploymentStrategy();
        if (string.Equals(strategy.Type, Recreate, StringComparison.Ordinal))
        {
            return null;
        }

        var rolling = strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
        var previous = rolling.MaxUnavailable?.Value;
        strategy.Type = RollingUpdate;
        rolling.MaxSurge ??= DefaultMaxSurge;
        if (NeverStalls(previous))
        {
            // Already safe; only a manifest's unset defaults were written out, which needs no warning.
            return null;
        }

        rolling.MaxUnavailable = LeaderKeepingUnavailability;
        var was = previous is null ? "unset, which defaults to 25%" : $"was {previous}";
        return $"single-active: set spec.strategy.rollingUpdate.maxUnavailable of {description} to 99% ({was}; maxSurge {rolling.MaxSurge.Value}): " +
            "in readiness mode only the leader is Ready, so a rollout that must keep more pods available waits forever. With 99% the old leader " +
            "keeps serving while new pods start and hands over to one of them as soon as it can take over; a release whose pods never become " +
            "healthy stalls with the old leader serving. 100% and strategy Recreate are kept as chosen; label mode (template annotation " +
            "single-active.io/mode: label) leaves the strategy alone.";
    }

    /// <summary>Whether a readiness-mode rollout with this strategy can stall (what <see cref="Apply"/> changes).</summary>
    public static bool Stalls(V1DeploymentStrategy? strategy) =>
        !string.Equals(strategy?.Type, Recreate, StringComparison.Ordinal) && !NeverStalls(strategy?.RollingUpdate?.MaxUnavailable?.Value);

    /// <summary>
    /// Whether a rolling update stops every old pod at once, the leader with them, before a new pod can take over
    /// (<c>maxUnavailable: 100%</c>, what earlier versions set); a release whose pods never become healthy then leaves no leader.
    /// </summary>
    public static bool StopsTheLeaderWithTheRest(V1DeploymentStrategy? strategy) =>
        !string.Equals(strategy?.Type, Recreate, StringComparison.Ordinal)
        && string.Equals(strategy?.RollingUpdate?.MaxUnavailable?.Value?.Trim(), FullUnavailability, StringComparison.Ordinal);

    /// <summary>
    /// Only 99% and 100% never stall: a lower percentage keeps two pods available from some size on, and an absolute
    /// number stalls again once the Deployment is scaled above it.
    /// </summary>
    private static bool NeverStalls(string? maxUnavailable) =>
        maxUnavailable?.Trim() is LeaderKeepingUnavailability or FullUnavailability;
}

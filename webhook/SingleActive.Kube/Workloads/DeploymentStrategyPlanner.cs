using k8s.Models;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Gives a readiness-mode Deployment a rollout strategy that cannot stall.
/// </summary>
/// <remarks>
/// With only the leader Ready, a RollingUpdate whose <c>maxUnavailable</c> is below 100% never finishes:
/// the old leader is the only available pod, it may not be removed before a new pod is available, and no
/// new pod becomes available while the old one holds the Lease. With 100% the old pods stop at once (the
/// leader hands the Lease over on SIGTERM) while <c>maxSurge</c> new pods start next to them, so a standby
/// is already starting when the Lease is released. Recreate cannot stall either and is kept when chosen.
/// </remarks>
public static class DeploymentStrategyPlanner
{
    public const string RollingUpdate = "RollingUpdate";
    public const string Recreate = "Recreate";
    public const string FullUnavailability = "100%";

    /// <summary>The owner's alternative, kept as chosen: every pod but one, the old leader, may be unavailable (see <see cref="NeverStalls"/>).</summary>
    public const string LeaderKeepingUnavailability = "99%";

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

        rolling.MaxUnavailable = FullUnavailability;
        var was = previous is null ? "unset, which defaults to 25%" : $"was {previous}";
        return $"single-active: set spec.strategy.rollingUpdate.maxUnavailable of {description} to 100% ({was}; maxSurge {rolling.MaxSurge.Value}): " +
            "in readiness mode only the leader is Ready, so a rollout that must keep pods available waits forever for a new Ready pod " +
            "while the old leader holds the Lease. Now old pods stop as new ones start, and a new pod takes over the released Lease. " +
            "Strategy Recreate is kept as chosen; label mode (template annotation single-active.io/mode: label) leaves the strategy alone.";
    }

    /// <summary>Whether a readiness-mode rollout with this strategy can stall (what <see cref="Apply"/> changes).</summary>
    public static bool Stalls(V1DeploymentStrategy? strategy) =>
        !string.Equals(strategy?.Type, Recreate, StringComparison.Ordinal) && !NeverStalls(strategy?.RollingUpdate?.MaxUnavailable?.Value);

    /// <summary>
    /// 100% (what <see cref="Apply"/> sets) and 99% never stall; an absolute number stalls again once the Deployment is
    /// scaled above it. 99% is an owner's choice for up to 100 replicas: the Deployment controller rounds it down
    /// (<c>ResolveFenceposts</c>, kubernetes/pkg/controller/deployment/util) and keeps one available pod, the old leader,
    /// until the leader's rollout-aware handover makes a new pod available, so a release whose pods never pass the app
    /// probe the elector follows stalls with the old leader serving. It relies on that handover (the elector's RBAC and
    /// version in the old pods; docs/workloads.md), which is why it is not the default.
    /// </summary>
    private static bool NeverStalls(string? maxUnavailable) => maxUnavailable?.Trim() is FullUnavailability or LeaderKeepingUnavailability;
}

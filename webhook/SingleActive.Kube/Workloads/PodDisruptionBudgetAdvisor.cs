using k8s.Models;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// Warns about PodDisruptionBudgets that block node drains of a readiness-mode workload.
/// </summary>
/// <remarks>
/// A budget allows <c>currentHealthy − desiredHealthy</c> evictions, and "healthy" means Ready. In readiness
/// mode exactly one pod, the leader, is Ready, so any budget that wants at least one healthy pod allows no
/// eviction of the leader. With one wanted that is what protects it: a drain cordons the node first, the leader
/// hands over to a standby on another node (drain-aware handover), and the old leader, now an unhealthy standby,
/// may be evicted while the budget is met (the default <c>IfHealthyBudget</c>; the API server's eviction handler
/// allows an unready pod when <c>currentHealthy ≥ desiredHealthy</c>, since 1.20 at least). A budget wanting two or
/// more is never met: the leader cannot be evicted at all, nor standbys unless the budget says
/// <c>unhealthyPodEvictionPolicy: AlwaysAllow</c> (1.27+). Label mode is unaffected: every healthy replica is Ready there.
/// </remarks>
public static class PodDisruptionBudgetAdvisor
{
    public const string AlwaysAllow = "AlwaysAllow";

    public static IReadOnlyList<string> Advise(IEnumerable<V1PodDisruptionBudget> budgets, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(workload);
        var warnings = new List<string>();
        var labels = workload.Template.Metadata?.Labels;
        var expected = Math.Max(workload.Replicas ?? 1, 1);
        foreach (var budget in budgets)
        {
            if (budget.Spec is not { } spec || !LabelSelectorMatcher.Matches(spec.Selector, labels))
            {
                continue;
            }

            var (desired, rule) = DesiredHealthy(spec, expected);
            if (desired <= 1)
            {
                continue; // Met by the leader alone: the drain-aware handover lets drains through (see remarks).
            }

            var name = string.IsNullOrEmpty(budget.Metadata?.NamespaceProperty) ? budget.Metadata?.Name : $"{budget.Metadata.NamespaceProperty}/{budget.Metadata.Name}";
            // Unhealthy pods may be evicted while the budget is met (never, with one healthy pod), or always with AlwaysAllow.
            var standbysFree = string.Equals(spec.UnhealthyPodEvictionPolicy, AlwaysAllow, StringComparison.Ordinal);
            var standbys = standbysFree
                ? ""
                : " Standbys count as unhealthy, so they cannot be evicted either unless the budget sets unhealthyPodEvictionPolicy: AlwaysAllow (Kubernetes 1.27+).";
            warnings.Add(
                $"single-active: PodDisruptionBudget {name} selects the pods of {workload.Description} and wants {desired} healthy ({rule}), " +
                "but in readiness mode only the leader is Ready, so the budget never allows a disruption: the leader cannot be evicted and " +
                $"draining its node blocks.{standbys} In readiness mode use minAvailable: 1 (a drain cordons the node first, the leader hands over " +
                "to a standby on another node, and the budget then lets the old leader go), or label mode (template annotation " +
                "single-active.io/mode: label), where budgets work as usual.");
        }

        return warnings;
    }

    /// <summary>The disruption controller's arithmetic: percentages of the expected count, rounded up.</summary>
    internal static (int Desired, string Rule) DesiredHealthy(V1PodDisruptionBudgetSpec spec, int expected)
    {
        if (spec.MaxUnavailable?.Value is { } maxUnavailable)
        {
            return (expected - Scale(maxUnavailable, expected), $"maxUnavailable {maxUnavailable} of {expected} replicas");
        }

        if (spec.MinAvailable?.Value is { } minAvailable)
        {
            return (Scale(minAvailable, expected), $"minAvailable {minAvailable}");
        }

        // A budget with neither field is defaulted to minAvailable 1 by policy/v1beta1.
        return (1, "minAvailable 1 by default");
    }

    private static int Scale(string value, int expected)
    {
        var text = value.Trim();
        if (text.EndsWith('%') && int.TryParse(text[..^1], out var percent))
        {
            return (int)Math.Ceiling(percent * expected / 100.0);
        }

        return int.TryParse(text, out var absolute) ? absolute : 0;
    }
}

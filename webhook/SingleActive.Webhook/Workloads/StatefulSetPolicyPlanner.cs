using k8s.Models;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Keeps a readiness-mode StatefulSet from stalling, and says so where the API does not let it.
/// </summary>
/// <remarks>
/// The StatefulSet controller waits for each pod to be Ready: with <c>OrderedReady</c> it creates pod N+1 only
/// once pod N is Ready, and a RollingUpdate (whatever the policy) replaces pods one at a time, highest ordinal
/// first, waiting for each new pod to be Ready. In readiness mode a standby never is, so only the first pods
/// ever exist and a template change stops at the first replaced standby.
/// </remarks>
public static class StatefulSetPolicyPlanner
{
    public const string Parallel = "Parallel";
    public const string OrderedReady = "OrderedReady";
    public const string OnDelete = "OnDelete";

    /// <param name="isCreate">podManagementPolicy is immutable: it can only be set when the StatefulSet is created.</param>
    /// <param name="templateChanged">True when this request starts a rolling update of the pods (always true on create).</param>
    /// <returns>Warnings that say what was changed or what will stall, and the fix.</returns>
    public static IReadOnlyList<string> Apply(V1StatefulSet statefulSet, string description, bool isCreate, bool templateChanged)
    {
        ArgumentNullException.ThrowIfNull(statefulSet);
        var spec = statefulSet.Spec ??= new V1StatefulSetSpec();
        var warnings = new List<string>();
        var name = statefulSet.Metadata?.Name ?? "NAME";
        if (!string.Equals(spec.PodManagementPolicy, Parallel, StringComparison.Ordinal))
        {
            var was = spec.PodManagementPolicy ?? "unset, which defaults to OrderedReady";
            if (isCreate)
            {
                spec.PodManagementPolicy = Parallel;
                warnings.Add(
                    $"single-active: set spec.podManagementPolicy of {description} to Parallel (was {was}): with OrderedReady pod N+1 is " +
                    "created only once pod N is Ready, and in readiness mode only the leader is Ready, so the other replicas would never exist.");
            }
            else
            {
                warnings.Add(
                    $"single-active: {description} has podManagementPolicy {was}: pod N+1 is created only once pod N is Ready, and in readiness " +
                    "mode only the leader is Ready, so replicas after the first standby never exist. The field is immutable; to fix it without " +
                    $"stopping the pods run `kubectl delete statefulset {name} --cascade=orphan`, then apply it with podManagementPolicy: Parallel " +
                    "(the new StatefulSet adopts the pods), or use label mode (template annotation single-active.io/mode: label).");
            }
        }

        var updateType = spec.UpdateStrategy?.Type ?? "RollingUpdate";
        if (templateChanged && (spec.Replicas ?? 1) > 1 && !string.Equals(updateType, OnDelete, StringComparison.Ordinal))
        {
            warnings.Add(
                $"single-active: {description} uses updateStrategy {updateType}, which replaces pods one at a time and waits for each to be Ready; " +
                "in readiness mode a new standby never is, so a template change stops after the first replaced standby. For StatefulSets " +
                "that roll, prefer label mode (template annotation single-active.io/mode: label), or updateStrategy OnDelete and delete pods yourself.");
        }

        return warnings;
    }
}

using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The Lease a pod campaigns for. Derived from the owner so that every replica of a workload, across
/// rollouts, shares one Lease: a ReplicaSet's name changes with each template (its pod-template-hash
/// suffix), the Deployment's does not.
/// </summary>
public static class LeaseNames
{
    /// <summary>
    /// The labels a ReplicaSet's controller puts on its pods, holding the suffix it gave the ReplicaSet's name: the
    /// Deployment controller's, and Argo Rollouts' (<c>v1alpha1.DefaultRolloutUniqueLabelKey</c>; its ReplicaSets are
    /// named <c>&lt;rollout&gt;-&lt;hash&gt;</c> too). Without the second, each revision of a Rollout would elect its own leader.
    /// </summary>
    private static readonly string[] TemplateHashLabels = ["pod-template-hash", "rollouts-pod-template-hash"];

    /// <summary>
    /// The Lease <paramref name="pod"/> campaigns for: its <see cref="Annotations.LeaseName"/> as written
    /// (<paramref name="named"/>), else <see cref="Derive"/>. Not validated: the caller says what is wrong with it.
    /// </summary>
    public static string? Of(V1Pod pod, string? hint, out bool named)
    {
        ArgumentNullException.ThrowIfNull(pod);
        string? name = null;
        named = pod.Metadata?.Annotations?.TryGetValue(Annotations.LeaseName, out name) == true;
        return named ? name : Derive(pod, hint);
    }

    /// <summary>Owner, generateName, pod name, then the caller's hint (a workload name for templates).</summary>
    public static string? Derive(V1Pod pod, string? hint)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var meta = pod.Metadata;
        var owner = meta?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) ?? meta?.OwnerReferences?.FirstOrDefault();
        if (owner is { Name.Length: > 0 } && owner.ApiVersion?.StartsWith("apps/", StringComparison.Ordinal) == true)
        {
            if (owner.Kind == "ReplicaSet")
            {
                return StripTemplateHash(owner.Name, meta?.Labels);
            }

            if (owner.Kind == "StatefulSet")
            {
                return owner.Name;
            }
        }

        if (!string.IsNullOrEmpty(meta?.GenerateName) && meta.GenerateName.TrimEnd('-') is { Length: > 0 } trimmed)
        {
            return trimmed;
        }

        if (!string.IsNullOrEmpty(meta?.Name))
        {
            return meta.Name;
        }

        return string.IsNullOrEmpty(hint) ? null : hint;
    }

    private static string StripTemplateHash(string replicaSetName, IDictionary<string, string>? labels)
    {
        // A ReplicaSet created by a Deployment (or an Argo Rollout) is named <deployment>-<hash>; a hand-made
        // one has no such label and its own name is already stable.
        foreach (var label in TemplateHashLabels)
        {
            if (labels is not null && labels.TryGetValue(label, out var hash) && hash.Length > 0
                && replicaSetName.Length > hash.Length + 1 && replicaSetName.EndsWith("-" + hash, StringComparison.Ordinal))
            {
                return replicaSetName[..^(hash.Length + 1)];
            }
        }

        return replicaSetName;
    }
}

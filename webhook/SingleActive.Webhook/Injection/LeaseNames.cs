using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The Lease a pod campaigns for. Derived from the owner so that every replica of a workload, across
/// rollouts, shares one Lease: a ReplicaSet's name changes with each template (its pod-template-hash
/// suffix), the Deployment's does not.
/// </summary>
public static class LeaseNames
{
    private const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Name, owner, generateName, pod name, then the caller's hint (a workload name for templates).</summary>
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
        // A ReplicaSet created by a Deployment is named <deployment>-<pod-template-hash>; a hand-made
        // one has no such label and its own name is already stable.
        if (labels is not null && labels.TryGetValue(PodTemplateHashLabel, out var hash) && hash.Length > 0
            && replicaSetName.Length > hash.Length + 1 && replicaSetName.EndsWith("-" + hash, StringComparison.Ordinal))
        {
            return replicaSetName[..^(hash.Length + 1)];
        }

        return replicaSetName;
    }
}

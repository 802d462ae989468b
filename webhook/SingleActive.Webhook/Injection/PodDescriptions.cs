using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>How messages name a pod: pods from controllers have no name yet at admission, only a generateName.</summary>
public static class PodDescriptions
{
    public static string Describe(V1Pod pod, string? @namespace)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var meta = pod.Metadata;
        var name = !string.IsNullOrEmpty(meta?.Name) ? meta.Name
            : !string.IsNullOrEmpty(meta?.GenerateName) ? meta.GenerateName + "*"
            : null;
        var ns = string.IsNullOrEmpty(@namespace) ? meta?.NamespaceProperty : @namespace;
        var what = name is null ? "pod" : $"pod \"{name}\"";
        return string.IsNullOrEmpty(ns) ? what : $"{what} in namespace \"{ns}\"";
    }
}

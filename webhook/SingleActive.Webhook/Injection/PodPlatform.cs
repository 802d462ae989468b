using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Whether a pod can only run on Windows nodes, where the elector (a Linux container with Linux-only
/// security settings) cannot run. Read from what the scheduler and the API server read: <c>spec.os.name</c>
/// (Kubernetes 1.25+ validates Linux-only fields against it), the <c>kubernetes.io/os</c> node selector, and a
/// required node affinity none of whose terms admits <c>linux</c>.
/// </summary>
public static class PodPlatform
{
    public const string OsLabel = "kubernetes.io/os";

    /// <summary>The label's name before 1.14; still set on nodes and used in old manifests.</summary>
    public const string BetaOsLabel = "beta.kubernetes.io/os";

    private const string Linux = "linux";

    /// <returns>Null when the pod may run on Linux; otherwise what in the pod rules Linux out, for the denial.</returns>
    public static string? WindowsOnly(V1PodSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }

        if (spec.Os?.Name is { Length: > 0 } os && !string.Equals(os, Linux, StringComparison.Ordinal))
        {
            return $"spec.os.name is \"{os}\"";
        }

        foreach (var key in new[] { OsLabel, BetaOsLabel })
        {
            if (spec.NodeSelector?.TryGetValue(key, out var value) == true && !string.Equals(value, Linux, StringComparison.Ordinal))
            {
                return $"its nodeSelector requires {key}={value}";
            }
        }

        var terms = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is { Count: > 0 } && terms.All(ExcludesLinux))
        {
            return $"its required node affinity admits no node with {OsLabel}=linux";
        }

        return null;
    }

    /// <summary>A term is ANDed: one os requirement that Linux fails rules the whole term out.</summary>
    private static bool ExcludesLinux(V1NodeSelectorTerm term) =>
        (term.MatchExpressions ?? []).Any(e => e.Key is OsLabel or BetaOsLabel && e.OperatorProperty switch
        {
            "In" => e.Values?.Contains(Linux) != true,
            "NotIn" => e.Values?.Contains(Linux) == true,
            "DoesNotExist" => true,
            _ => false,
        });
}

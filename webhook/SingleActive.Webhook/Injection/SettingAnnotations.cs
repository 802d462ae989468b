using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The <c>single-active.io/*</c> annotations a pod (or pod template) is read for, and warnings for the ones that are
/// not read where they stand: a misspelt key, a key of the Lease put on a pod, a setting changed on a pod or template
/// that is already injected. Each would otherwise be ignored without a word, as unknown server settings are not
/// (<c>ServerSettings</c> refuses them).
/// </summary>
public static class SettingAnnotations
{
    /// <summary>Every per-pod setting the webhook reads, and the status it writes.</summary>
    public static readonly IReadOnlyList<string> PodKeys =
    [
        Annotations.Status, Annotations.LeaseName, Annotations.Mode, Annotations.LeaseDuration, Annotations.RenewDeadline,
        Annotations.RetryPeriod, Annotations.ProbePeriod, Annotations.Port, Annotations.CpuRequest, Annotations.MemoryRequest,
        Annotations.CpuLimit, Annotations.MemoryLimit, Annotations.DrainTaints,
    ];

    /// <summary>The annotations the electors and the plugin read and write on the Lease, never on a pod.</summary>
    public static readonly IReadOnlyList<string> LeaseKeys =
        [Annotations.PreviousHolder, Annotations.PreferredHolder, Annotations.Paused, Annotations.LastHandover];

    /// <summary>One warning per <c>single-active.io/*</c> annotation on <paramref name="annotations"/> that is no pod setting, naming the one meant where it can tell.</summary>
    public static IEnumerable<string> Unknown(IDictionary<string, string>? annotations, string description)
    {
        foreach (var key in (annotations?.Keys ?? []).Where(k => k.StartsWith(Annotations.Prefix, StringComparison.Ordinal) && !PodKeys.Contains(k)).Order(StringComparer.Ordinal))
        {
            yield return LeaseKeys.Contains(key)
                ? $"single-active: annotation \"{key}\" on {description} is read on the workload's Lease, not on a pod, and is ignored here; use kubectl single-active (pause, resume, handover), which writes it there"
                : $"single-active: annotation \"{key}\" on {description} is not a single-active setting and is ignored{Suggestion(key)}; the settings are {string.Join(", ", PodKeys.Skip(1).Select(k => k[Annotations.Prefix.Length..]))}";
        }
    }

    /// <summary>
    /// Warnings for an injected pod whose <c>single-active.io/mode</c> or <c>lease-name</c> differs from what its elector
    /// was injected with (its status annotation): settings are read when the elector is injected, and an injected pod or
    /// template is never injected again, so the changed value has no effect.
    /// </summary>
    public static IEnumerable<string> Drift(V1Pod pod, string description)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var annotations = pod.Metadata?.Annotations;
        if (annotations is null || PodInjectionStatus.StatusOf(pod) is not { } status)
        {
            yield break;
        }

        foreach (var (key, member) in new[] { (Annotations.Mode, "mode"), (Annotations.LeaseName, "lease") })
        {
            if (!annotations.TryGetValue(key, out var text) || PodInjectionStatus.Text(status, member) is not { } injected)
            {
                continue;
            }

            var wanted = key == Annotations.Mode && ElectorModes.TryParse(text, out var mode) ? ElectorModes.Format(mode) : text.Trim();
            if (!string.Equals(wanted, injected, StringComparison.Ordinal))
            {
                yield return $"single-active: {description} asks for {member} \"{wanted}\" (annotation \"{key}\"), but its elector was injected with {member} \"{injected}\" " +
                    $"(annotation \"{Annotations.Status}\"), and an injected pod is never injected again, so the annotation has no effect: inject the manifest without the elector " +
                    $"(the original, not inject's output), or remove the \"{ElectorHttp.ContainerName}\" container and the \"{Annotations.Status}\" annotation so the webhook injects it anew";
            }
        }
    }

    /// <summary>"; did you mean X" for the pod setting <paramref name="key"/> most likely stands for, else empty.</summary>
    private static string Suggestion(string key)
    {
        var name = Normalized(key[Annotations.Prefix.Length..]);
        var best = PodKeys.Skip(1)
            .Select(k => (Key: k, Distance: EditDistance(name, Normalized(k[Annotations.Prefix.Length..]))))
            .MinBy(c => c.Distance);
        return best.Distance <= 2 ? $" (did you mean \"{best.Key}\"?)" : "";
    }

    /// <summary>Lowercase without separators, so <c>leaseName</c>, <c>lease_name</c> and <c>lease-name</c> compare equal.</summary>
    private static string Normalized(string name) =>
        string.Concat(name.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant));

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}

using k8s.Models;

namespace SingleActive.Kube.Workloads;

/// <summary>Evaluates a <c>metav1.LabelSelector</c> against a set of labels, as the API server does.</summary>
public static class LabelSelectorMatcher
{
    /// <summary>
    /// A null selector matches nothing; an empty one matches everything (policy/v1 PodDisruptionBudget semantics).
    /// An unknown operator matches nothing: the API server would have rejected it, so it cannot select pods.
    /// </summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false;
        }

        labels ??= new Dictionary<string, string>();
        if (selector.MatchLabels is { } matchLabels && !MatchesAll(matchLabels, labels))
        {
            return false;
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(requirement.Key ?? "", out var actual);
            var values = requirement.Values ?? [];
            var ok = requirement.OperatorProperty switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every pair of <paramref name="pairs"/> among <paramref name="labels"/>: a <c>matchLabels</c>, or a Service's
    /// <c>spec.selector</c> (equality only). No pairs match everything; what an empty Service selector means (no
    /// endpoints managed for it) is the caller's to decide.
    /// </summary>
    public static bool MatchesAll(IEnumerable<KeyValuePair<string, string>> pairs, IDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var (key, value) in pairs)
        {
            if (labels?.TryGetValue(key, out var actual) != true || actual != value)
            {
                return false;
            }
        }

        return true;
    }
}

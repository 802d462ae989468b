namespace SingleActive.Contract;

/// <summary>
/// The text of <see cref="Annotations.DrainTaints"/>, <see cref="ElectorEnv.DrainTaints"/> and <see cref="DrainTaints.Default"/>:
/// comma-separated taint keys, each optionally <c>=value</c>. A key is a Kubernetes qualified name, as the API server
/// requires of taint keys; a value follows the label-value rules and may not be empty (write the key alone to match
/// any value). Spaces around an entry are dropped. The webhook refuses a pod whose annotation does not parse and renders
/// the normalized list (<see cref="Format"/>); the elector parses the env the same way.
/// </summary>
public static class DrainTaintList
{
    /// <summary>What a valid list looks like, for messages.</summary>
    public const string AcceptedForm =
        "expected comma-separated taint keys, each optionally =value, such as \"node.kubernetes.io/unschedulable,karpenter.sh/disruption=disrupting\" " +
        "(a key is a name of at most 63 letters, digits, '-', '_' or '.' that starts and ends with a letter or digit, optionally after a DNS subdomain prefix and '/'; " +
        "a value is at most 63 such characters and not empty: write the key alone to match any value)";

    private const int MaxNameLength = 63;

    /// <summary>
    /// The entries of <paramref name="text"/> in order, duplicates dropped; null when any entry is invalid, and then
    /// <paramref name="problems"/> names each bad entry (empty entries by position).
    /// </summary>
    public static IReadOnlyList<DrainTaint>? Parse(string? text, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var entries = new List<DrainTaint>();
        var parts = (text ?? "").Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var entry = parts[i].Trim();
            if (entry.Length == 0)
            {
                found.Add(parts.Length == 1 ? "the list is empty" : $"entry {i + 1} is empty");
                continue;
            }

            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? entry : entry[..equals];
            var value = equals < 0 ? null : entry[(equals + 1)..];
            if (!IsQualifiedName(key))
            {
                found.Add($"\"{entry}\": \"{key}\" is not a valid taint key");
            }
            else if (value is { Length: 0 })
            {
                found.Add($"\"{entry}\": the value after '=' is empty");
            }
            else if (value is not null && !IsName(value))
            {
                found.Add($"\"{entry}\": \"{value}\" is not a valid taint value");
            }
            else
            {
                var taint = new DrainTaint(key, value);
                if (!entries.Contains(taint))
                {
                    entries.Add(taint);
                }
            }
        }

        problems = found;
        return found.Count == 0 ? entries : null;
    }

    /// <summary>The normalized text: the entries joined by commas, no spaces.</summary>
    public static string Format(IEnumerable<DrainTaint> taints) => string.Join(",", taints);

    /// <summary>Kubernetes' <c>IsQualifiedName</c>: an optional DNS subdomain prefix and '/', then a name.</summary>
    private static bool IsQualifiedName(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return IsName(key);
        }

        var prefix = key[..slash];
        return KubernetesNames.IsDnsSubdomain(prefix) && IsName(key[(slash + 1)..]);
    }

    /// <summary>A qualified name's name part, and a non-empty label value: <c>([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]</c>, at most 63.</summary>
    private static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength
        && char.IsAsciiLetterOrDigit(name[0])
        && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Strict quantity parsing for settings. <see cref="ResourceQuantity"/> itself accepts "48 Mi" and
/// negative values and throws on others; the API server would reject what we then render.
/// </summary>
public static partial class ResourceQuantities
{
    /// <summary>Bound of <see cref="TryGetValue"/>'s memo (emptied when full).</summary>
    public const int MemoCapacity = 256;

    // Parsing a quantity (a regular expression, then KubernetesClient's fractions) costs more than the rest of a pod's
    // settings together, and the same few texts recur on every replica: each text is parsed once.
    private static readonly ConcurrentDictionary<string, decimal?> Values = new(StringComparer.Ordinal);

    /// <summary>The value of a quantity text (<see cref="TryParse"/>'s rules), remembered per text.</summary>
    public static bool TryGetValue(string? text, out decimal value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        if (!Values.TryGetValue(text, out var known))
        {
            known = TryParse(text, out var quantity) ? quantity!.ToDecimal() : null;
            if (Values.Count >= MemoCapacity)
            {
                Values.Clear();
            }

            Values[text] = known;
        }

        value = known ?? 0;
        return known is not null;
    }

    public static bool TryParse(string? text, out ResourceQuantity? quantity)
    {
        quantity = null;
        if (text is null || !Syntax().IsMatch(text))
        {
            return false;
        }

        try
        {
            quantity = new ResourceQuantity(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    // Kubernetes' quantity grammar, non-negative: digits with an optional fraction, then a binary
    // (Ki..Ei), decimal (n u m k M G T P E) or exponent suffix.
    [GeneratedRegex(@"^([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}

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
    /// <summary>Bound of the memo behind <see cref="IsValid"/> and <see cref="ValueOf"/> (emptied when full).</summary>
    public const int MemoCapacity = 256;

    /// <summary>Longer texts are parsed every time rather than kept: annotations are the user's, of any length.</summary>
    private const int MemoTextLength = 64;

    // Parsing a quantity (a regular expression, then KubernetesClient's fractions) costs more than the rest of a pod's
    // settings together, and the same few texts recur on every replica: each text is parsed once. Null: not valid.
    private static readonly ConcurrentDictionary<string, ResourceQuantity?> Parsed = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="text"/> is a quantity by <see cref="TryParse"/>'s rules, remembered per text.</summary>
    public static bool IsValid(string? text) => Lookup(text) is not null;

    /// <summary>
    /// The value of a valid quantity text (<see cref="IsValid"/>), as <see cref="ResourceQuantity.ToDecimal"/> gives
    /// it: throws <see cref="ArgumentException"/> for an invalid text and <see cref="OverflowException"/> for a value
    /// beyond <see cref="decimal"/>, as it always did.
    /// </summary>
    public static decimal ValueOf(string text) =>
        (Lookup(text) ?? throw new ArgumentException($"\"{text}\" is not a quantity", nameof(text))).ToDecimal();

    private static ResourceQuantity? Lookup(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (Parsed.TryGetValue(text, out var known))
        {
            return known;
        }

        known = TryParse(text, out var quantity) ? quantity : null;
        if (text.Length <= MemoTextLength)
        {
            if (Parsed.Count >= MemoCapacity)
            {
                Parsed.Clear();
            }

            Parsed[text] = known;
        }

        return known;
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

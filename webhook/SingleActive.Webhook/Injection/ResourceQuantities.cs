using System.Text.RegularExpressions;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Strict quantity parsing for settings. <see cref="ResourceQuantity"/> itself accepts "48 Mi" and
/// negative values and throws on others; the API server would reject what we then render.
/// </summary>
public static partial class ResourceQuantities
{
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

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SingleActive.Core.Yaml;

/// <summary>
/// What an unquoted YAML scalar means, the way kubectl reads manifests (YAML 1.1 via go-yaml: <c>yes</c>,
/// <c>on</c> and <c>y</c> are booleans, <c>0x1F</c> is a number), and which strings must therefore be quoted
/// when written back so they stay strings.
/// </summary>
public static partial class YamlScalars
{
    private static readonly HashSet<string> Nulls = ["", "~", "null", "Null", "NULL"];
    private static readonly HashSet<string> Trues = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> Falses = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];

    /// <summary>The JSON value of a plain (unquoted, untagged) scalar.</summary>
    public static JsonNode? ResolvePlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Nulls.Contains(text))
        {
            return null;
        }

        if (Trues.Contains(text))
        {
            return JsonValue.Create(true);
        }

        if (Falses.Contains(text))
        {
            return JsonValue.Create(false);
        }

        return TryNumber(text) ?? JsonValue.Create(text);
    }

    /// <summary>True when <paramref name="text"/> written plain would be read back as something other than this string.</summary>
    public static bool NeedsQuotes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ResolvePlain(text) is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.String
            || text.Trim(' ', '\t') != text || TimestampLike().IsMatch(text) || SpecialFloat().IsMatch(text) || Sexagesimal().IsMatch(text);
    }

    /// <summary>A JSON number for YAML 1.1 integer and float forms, keeping JSON-compatible text as written.</summary>
    internal static JsonNode? TryNumber(string text)
    {
        if (JsonNumber().IsMatch(text))
        {
            return JsonNode.Parse(text);
        }

        var clean = text.Replace("_", "", StringComparison.Ordinal);
        var negative = clean.StartsWith('-');
        var digits = clean.TrimStart('+', '-');
        if (clean.Length == 0 || digits.Length == 0 || clean.Length - digits.Length > 1)
        {
            return null;
        }

        long? integer = null;
        if (digits.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            integer = hex;
        }
        else if (digits.StartsWith("0b", StringComparison.Ordinal) && digits.Length > 2 && digits[2..].All(c => c is '0' or '1'))
        {
            integer = Convert.ToInt64(digits[2..], 2);
        }
        else if (digits.Length > 1 && digits[0] == '0' && digits.All(char.IsAsciiDigit) && digits.All(c => c < '8'))
        {
            integer = Convert.ToInt64(digits.TrimStart('0', 'o').PadLeft(1, '0'), 8);
        }
        else if (digits.StartsWith("0o", StringComparison.Ordinal) && digits.Length > 2 && digits[2..].All(c => c is >= '0' and <= '7'))
        {
            integer = Convert.ToInt64(digits[2..], 8);
        }

        if (integer is { } value)
        {
            return JsonValue.Create(negative ? -value : value);
        }

        if (YamlFloat().IsMatch(clean) && double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return null;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlFloat();

    [GeneratedRegex(@"^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecialFloat();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Sexagesimal();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampLike();
}

using System.Globalization;

namespace SingleActive.Contract;

/// <summary>
/// Durations as users write them in annotations and as the webhook renders them into env:
/// Go-style <c>15s</c>, <c>1500ms</c>, <c>1m</c>, <c>1m30s</c>, or a bare number of seconds.
/// </summary>
public static class Duration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            return Finish(TimeSpan.FromSeconds(bare), out value);
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            TimeSpan? part = s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => null,
            };
            if (part is null)
            {
                return false;
            }

            total += part.Value;
        }

        return Finish(total, out value);
    }

    /// <summary>The shortest Go-style form: whole seconds as <c>15s</c>, otherwise milliseconds.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private static bool Finish(TimeSpan parsed, out TimeSpan value)
    {
        value = parsed;
        return parsed > TimeSpan.Zero && parsed < TimeSpan.FromDays(1);
    }
}

using System.Globalization;

namespace SingleActive.Contract;

/// <summary>
/// Durations as users write them in annotations and as the webhook renders them into env:
/// Go-style <c>15s</c>, <c>1500ms</c>, <c>1m</c>, <c>1m30s</c>, or a bare number of seconds.
/// </summary>
public static class Duration
{
    /// <summary>A duration above zero and below one day (what an annotation or the elector's environment may hold).</summary>
    public static bool TryParse(string? text, out TimeSpan value) =>
        TryParseAnyLength(text, out value) && value > TimeSpan.Zero && value < TimeSpan.FromDays(1);

    /// <summary>The same forms, of any length including zero (the server's own time settings); false only when the text is none of them.</summary>
    public static bool TryParseAnyLength(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            return TryScale(bare, TimeSpan.FromSeconds, out value);
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

            Func<double, TimeSpan>? unit = s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds,
                "s" => TimeSpan.FromSeconds,
                "m" => TimeSpan.FromMinutes,
                "h" => TimeSpan.FromHours,
                _ => null,
            };
            if (unit is null || !TryScale(number, unit, out var part) || TimeSpan.MaxValue - total < part)
            {
                return false;
            }

            total += part;
        }

        value = total;
        return true;
    }

    /// <summary>The shortest Go-style form: whole seconds as <c>15s</c>, otherwise milliseconds.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <summary>
    /// <paramref name="unit"/> of <paramref name="number"/>; false when no TimeSpan is that long, and for <c>NaN</c> and
    /// <c>Infinity</c>, which <see cref="double.TryParse(string, NumberStyles, IFormatProvider, out double)"/> reads whatever
    /// the styles and <see cref="TimeSpan.FromSeconds(double)"/> refuses with an <see cref="ArgumentException"/>.
    /// </summary>
    private static bool TryScale(double number, Func<double, TimeSpan> unit, out TimeSpan value)
    {
        if (!double.IsFinite(number))
        {
            value = default;
            return false;
        }

        try
        {
            value = unit(number);
            return true;
        }
        catch (OverflowException)
        {
            value = default;
            return false;
        }
    }
}

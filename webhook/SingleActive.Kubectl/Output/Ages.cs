using System.Globalization;

namespace SingleActive.Kubectl.Output;

/// <summary>Ages as kubectl prints them (<c>apimachinery/pkg/util/duration.HumanDuration</c>): 45s, 5m12s, 3h, 2d4h, 12d.</summary>
public static class Ages
{
    public static string Format(TimeSpan age)
    {
        var seconds = (long)Math.Max(0, age.TotalSeconds);
        string F(long n) => n.ToString(CultureInfo.InvariantCulture);
        return seconds switch
        {
            < 120 => F(seconds) + "s",
            < 600 => seconds % 60 == 0 ? F(seconds / 60) + "m" : $"{F(seconds / 60)}m{F(seconds % 60)}s",
            < 3 * 3600 => F(seconds / 60) + "m",
            < 8 * 3600 => (seconds / 60) % 60 == 0 ? F(seconds / 3600) + "h" : $"{F(seconds / 3600)}h{F((seconds / 60) % 60)}m",
            < 48 * 3600 => F(seconds / 3600) + "h",
            < 8 * 86400 => (seconds / 3600) % 24 == 0 ? F(seconds / 86400) + "d" : $"{F(seconds / 86400)}d{F((seconds / 3600) % 24)}h",
            _ => F(seconds / 86400) + "d",
        };
    }

    public static string? Since(DateTimeOffset? then, DateTimeOffset now) => then is { } t ? Format(now - t) : null;
}

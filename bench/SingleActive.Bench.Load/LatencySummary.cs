using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SingleActive.Bench.Load;

/// <summary>Exact percentiles over every recorded latency (no bucketing), in milliseconds.</summary>
public sealed class LatencySummary
{
    private readonly long[] _sorted;

    public LatencySummary(IEnumerable<long> stopwatchTicks)
    {
        _sorted = [.. stopwatchTicks];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double Percentile(double p)
    {
        if (_sorted.Length == 0)
        {
            return double.NaN;
        }

        // Nearest-rank: the smallest sample with at least p% of samples at or below it.
        var rank = (int)Math.Ceiling(p / 100.0 * _sorted.Length);
        return ToMs(_sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)]);
    }

    public double Max => _sorted.Length == 0 ? double.NaN : ToMs(_sorted[^1]);

    public double Mean => _sorted.Length == 0 ? double.NaN : ToMs((long)_sorted.Average());

    /// <summary>HdrHistogram-style percentile distribution, one "percentile latency_ms count" row per step.</summary>
    public string Distribution()
    {
        var text = new StringBuilder("percentile\tlatency_ms\tcount_at_or_below\n");
        foreach (var p in new[] { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100 })
        {
            var rank = Math.Max(1, (int)Math.Ceiling(p / 100.0 * _sorted.Length));
            text.Append(CultureInfo.InvariantCulture, $"{p}\t{Percentile(p):F3}\t{rank}\n");
        }

        return text.ToString();
    }

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

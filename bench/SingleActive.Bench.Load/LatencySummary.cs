using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SingleActive.Bench.Load;

/// <summary>Exact percentiles over every recorded latency (no bucketing), in milliseconds.</summary>
public sealed class LatencySummary
{
    private readonly long[] sorted;

    public LatencySummary(IEnumerable<long> stopwatchTicks)
    {
        sorted = [.. stopwatchTicks];
        Array.Sort(sorted);
    }

    public int Count => sorted.Length;

    public double Percentile(double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        // Nearest-rank: the smallest sample with at least p% of samples at or below it.
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return ToMs(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)]);
    }

    public double Max => sorted.Length == 0 ? double.NaN : ToMs(sorted[^1]);

    public double Mean => sorted.Length == 0 ? double.NaN : ToMs((long)sorted.Average());

    /// <summary>HdrHistogram-style percentile distribution, one "percentile latency_ms count" row per step.</summary>
    public string Distribution()
    {
        var text = new StringBuilder("percentile\tlatency_ms\tcount_at_or_below\n");
        foreach (var p in new[] { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100 })
        {
            var rank = Math.Max(1, (int)Math.Ceiling(p / 100.0 * sorted.Length));
            text.Append(CultureInfo.InvariantCulture, $"{p}\t{Percentile(p):F3}\t{rank}\n");
        }

        return text.ToString();
    }

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>A label-less histogram with fixed upper bounds, lock-free on the hot path.</summary>
public sealed class Histogram : IMetric
{
    private readonly string _help;
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _count;
    private long _sumBits;

    public Histogram(string name, string help, IReadOnlyList<double> upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        var increasing = upperBounds.Count > 0;
        for (var i = 1; increasing && i < upperBounds.Count; i++)
        {
            increasing = upperBounds[i - 1] < upperBounds[i];
        }

        if (!increasing)
        {
            throw new ArgumentException("bucket bounds must be non-empty and strictly increasing", nameof(upperBounds));
        }

        Name = name;
        _help = help;
        _bounds = [.. upperBounds];
        _counts = new long[_bounds.Length];
    }

    public string Name { get; }

    public long Count => Interlocked.Read(ref _count);

    public void Observe(double value)
    {
        var index = Array.BinarySearch(_bounds, value);
        if (index < 0)
        {
            index = ~index;
        }

        if (index < _counts.Length)
        {
            Interlocked.Increment(ref _counts[index]);
        }

        Interlocked.Increment(ref _count);
        long seen, updated;
        do
        {
            seen = Interlocked.Read(ref _sumBits);
            updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref _sumBits, updated, seen) != seen);
    }

    public void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, _help, "histogram");
        // Read the total first: a concurrent observation may make a bucket exceed it by one, never the reverse.
        var count = Interlocked.Read(ref _count);
        long cumulative = 0;
        for (var i = 0; i < _bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            output.Append(Name).Append("_bucket{le=\"").Append(PrometheusText.FormatValue(_bounds[i])).Append("\"} ")
                .Append(Math.Min(cumulative, count)).Append('\n');
        }

        output.Append(Name).Append("_bucket{le=\"+Inf\"} ").Append(count).Append('\n');
        output.Append(Name).Append("_sum ").Append(PrometheusText.FormatValue(BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits)))).Append('\n');
        output.Append(Name).Append("_count ").Append(count).Append('\n');
    }
}

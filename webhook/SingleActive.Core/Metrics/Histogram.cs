using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>A label-less histogram with fixed upper bounds, lock-free on the hot path.</summary>
public sealed class Histogram : IMetric
{
    private readonly string help;
    private readonly double[] bounds;
    private readonly long[] counts;
    private long count;
    private long sumBits;

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
        this.help = help;
        // A plain copy: a spread of an IReadOnlyList<double> links LINQ's array builder for double into the elector.
        this.bounds = new double[upperBounds.Count];
        for (var i = 0; i < this.bounds.Length; i++)
        {
            this.bounds[i] = upperBounds[i];
        }

        counts = new long[this.bounds.Length];
    }

    public string Name { get; }

    public long Count => Interlocked.Read(ref this.count);

    public void Observe(double value)
    {
        var index = Array.BinarySearch(this.bounds, value);
        if (index < 0)
        {
            index = ~index;
        }

        if (index < counts.Length)
        {
            Interlocked.Increment(ref counts[index]);
        }

        Interlocked.Increment(ref this.count);
        long seen, updated;
        do
        {
            seen = Interlocked.Read(ref sumBits);
            updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref sumBits, updated, seen) != seen);
    }

    public void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, this.help, "histogram");
        // Read the total first: a concurrent observation may make a bucket exceed it by one, never the reverse.
        var count = Interlocked.Read(ref this.count);
        long cumulative = 0;
        for (var i = 0; i < this.bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref counts[i]);
            output.Append(Name).Append("_bucket{le=\"").Append(PrometheusText.FormatValue(this.bounds[i])).Append("\"} ")
                .Append(Math.Min(cumulative, count)).Append('\n');
        }

        output.Append(Name).Append("_bucket{le=\"+Inf\"} ").Append(count).Append('\n');
        output.Append(Name).Append("_sum ").Append(PrometheusText.FormatValue(BitConverter.Int64BitsToDouble(Interlocked.Read(ref sumBits)))).Append('\n');
        output.Append(Name).Append("_count ").Append(count).Append('\n');
    }
}

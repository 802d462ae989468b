using System.Collections.Concurrent;
using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>
/// A monotonically increasing counter with zero, one or two labels. Label values come from a small,
/// known set; callers bound anything that comes from a request (the webhook maps request kinds to a bounded set).
/// </summary>
public sealed class Counter : IMetric
{
    private readonly string help;
    private readonly string[] labelNames;
    private readonly ConcurrentDictionary<(string, string), Cell> cells = new();

    public Counter(string name, string help, params string[] labelNames)
    {
        if (labelNames.Length > 2)
        {
            throw new ArgumentException("at most two labels are supported", nameof(labelNames));
        }

        Name = name;
        this.help = help;
        this.labelNames = labelNames;
    }

    public string Name { get; }

    /// <summary>
    /// Writes the series for these label values at 0 until it is first incremented. Prometheus' <c>increase</c> and
    /// <c>rate</c> count nothing for a series' first sample, so a series that appears at 1 would never alert:
    /// label values an alert watches are initialized at start-up.
    /// </summary>
    public void Initialize(string label1 = "", string label2 = "") => cells.GetOrAdd((label1, label2), static _ => new Cell());

    public void Inc() => Add(("", ""), 1);

    public void Inc(string label) => Add((label, ""), 1);

    public void Inc(string label1, string label2) => Add((label1, label2), 1);

    /// <summary>The current value for the given label values (0 when never incremented); for tests and logs.</summary>
    public long Value(string label1 = "", string label2 = "") =>
        cells.TryGetValue((label1, label2), out var cell) ? Interlocked.Read(ref cell.Value) : 0;

    public void WriteTo(StringBuilder output)
    {
        PrometheusText.WriteHeader(output, Name, this.help, "counter");
        if (this.labelNames.Length == 0 && cells.IsEmpty)
        {
            output.Append(Name).Append(" 0\n");
            return;
        }

        foreach (var (labels, cell) in cells.OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2, StringComparer.Ordinal))
        {
            output.Append(Name);
            if (this.labelNames.Length > 0)
            {
                output.Append('{');
                PrometheusText.WriteLabel(output, this.labelNames[0], labels.Item1);
                if (this.labelNames.Length > 1)
                {
                    output.Append(',');
                    PrometheusText.WriteLabel(output, this.labelNames[1], labels.Item2);
                }

                output.Append('}');
            }

            output.Append(' ').Append(Interlocked.Read(ref cell.Value)).Append('\n');
        }
    }

    private void Add((string, string) labels, long amount)
    {
        var cell = cells.GetOrAdd(labels, static _ => new Cell());
        Interlocked.Add(ref cell.Value, amount);
    }

    private sealed class Cell
    {
        public long Value;
    }
}

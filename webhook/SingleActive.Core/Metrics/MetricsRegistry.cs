using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>
/// The set of metrics served on <c>/metrics</c>. A few hand-written types instead of a metrics package:
/// each binary exposes a handful of series and must stay small and NativeAOT-clean.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly Lock gate = new();
    private readonly List<IMetric> metrics = [];

    public T Register<T>(T metric)
        where T : IMetric
    {
        lock (gate)
        {
            if (this.metrics.Any(m => m.Name == metric.Name))
            {
                throw new InvalidOperationException($"metric {metric.Name} is registered twice");
            }

            this.metrics.Add(metric);
        }

        return metric;
    }

    public string Render()
    {
        IMetric[] snapshot;
        lock (gate)
        {
            snapshot = [.. this.metrics];
        }

        var output = new StringBuilder(2048);
        foreach (var metric in snapshot)
        {
            metric.WriteTo(output);
        }

        return output.ToString();
    }
}

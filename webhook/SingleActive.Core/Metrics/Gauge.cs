using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>A gauge whose value is read when scraped; omitted from the output while the source returns null.</summary>
public sealed class Gauge(string name, string help, Func<double?> read) : IMetric
{
    public string Name { get; } = name;

    public void WriteTo(StringBuilder output)
    {
        var value = read();
        if (value is null)
        {
            return;
        }

        PrometheusText.WriteHeader(output, Name, help, "gauge");
        output.Append(Name).Append(' ').Append(PrometheusText.FormatValue(value.Value)).Append('\n');
    }
}

using System.Globalization;
using System.Text;

namespace SingleActive.Core.Metrics;

/// <summary>
/// Formatting rules of the Prometheus text exposition format (0.0.4), for the metric types here and for series
/// a binary writes itself (the elector's gauges are read from its state at scrape time).
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void WriteHeader(StringBuilder output, string name, string help, string type) =>
        output.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    /// <summary>HELP, TYPE and one label-less sample: a gauge or counter read at scrape time.</summary>
    public static void WriteSingle(StringBuilder output, string name, string help, string type, long value)
    {
        WriteHeader(output, name, help, type);
        WriteSample(output, name, value);
    }

    /// <summary>One sample line; <paramref name="series"/> is the name with its labels already written.</summary>
    public static void WriteSample(StringBuilder output, string series, long value) =>
        output.Append(series).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    /// <summary>One sample line with one label, escaped.</summary>
    public static void WriteSample(StringBuilder output, string name, string label, string labelValue, long value)
    {
        output.Append(name).Append('{');
        WriteLabel(output, label, labelValue);
        output.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    public static void WriteLabel(StringBuilder output, string name, string value)
    {
        output.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => output.Append("\\\\"),
                '"' => output.Append("\\\""),
                '\n' => output.Append("\\n"),
                _ => output.Append(c),
            };
        }

        output.Append('"');
    }

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

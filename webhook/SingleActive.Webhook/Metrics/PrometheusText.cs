using System.Globalization;
using System.Text;

namespace SingleActive.Webhook.Metrics;

/// <summary>Formatting rules of the Prometheus text format shared by the metric types.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void WriteHeader(StringBuilder output, string name, string help, string type) =>
        output.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

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

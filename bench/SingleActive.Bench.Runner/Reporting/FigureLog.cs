using System.Globalization;
using System.Text.Json;

namespace SingleActive.Bench.Runner.Reporting;

/// <summary>Prints each figure as it is measured and appends it (one JSON object per line) to a file.</summary>
public sealed class FigureLog(string path)
{
    private readonly Lock gate = new();

    public void Add(string section, string subject, string metric, double value, string unit)
    {
        var figure = new Figure(section, subject, metric, Math.Round(value, 3), unit);
        lock (gate)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {section,-9} {subject,-22} {metric,-34} {figure.Value,12:0.###} {unit}"));
            File.AppendAllText(path, JsonSerializer.Serialize(figure) + "\n");
        }
    }

    public static IReadOnlyList<Figure> Read(string path) =>
        File.Exists(path)
            ? [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Figure>(l)!)]
            : [];
}

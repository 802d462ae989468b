using System.Text.RegularExpressions;

namespace SingleActive.Tests.Shared;

/// <summary>
/// Holds a binary's <c>/metrics</c> output and its docs table together: every metric family the binary writes
/// (a <c># TYPE</c> line) is a row of the table, and the table lists no family the binary does not write. Compiled
/// into the webhook's, the elector's and the end-to-end test projects (a linked source file; the last holds the alert
/// rules to the same tables).
/// </summary>
internal static partial class MetricsDocsAssertions
{
    /// <param name="exposition">What <c>/metrics</c> answers with every optional family present.</param>
    /// <param name="docs">A path from the repository root.</param>
    /// <param name="section">The heading of the section whose table lists the metrics (rows start <c>| `name</c>).</param>
    public static void EachFamilyInTheDocsTable(string exposition, string docs, string section)
    {
        var written = TypeLine().Matches(exposition).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var documented = Documented(docs, section);

        Assert.NotEmpty(written);
        Assert.Empty(written.Except(documented).Select(n => $"{n} is written but not in {docs} (\"{section}\")"));
        Assert.Empty(documented.Except(written).Select(n => $"{docs} (\"{section}\") lists {n}, which is not written"));
    }

    /// <summary>The metric names in the table of section <paramref name="section"/> of <paramref name="docs"/> (a path from the repository root).</summary>
    public static IReadOnlySet<string> Documented(string docs, string section)
    {
        var text = File.ReadAllText(RepositoryFiles.Find(docs));
        var start = text.IndexOf(section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{docs} has no section \"{section}\"");
        var end = text.IndexOf("\n## ", start + section.Length, StringComparison.Ordinal);
        var body = end < 0 ? text[start..] : text[start..end];
        return Row().Matches(body).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^# TYPE (?<name>\w+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^\| `(?<name>single_active_\w+)", RegexOptions.Multiline)]
    private static partial Regex Row();
}

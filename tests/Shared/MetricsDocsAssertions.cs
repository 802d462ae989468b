using System.Text.RegularExpressions;

namespace SingleActive.Tests.Shared;

/// <summary>
/// Holds a binary's <c>/metrics</c> output and its docs table together: every metric family the binary writes
/// (a <c># TYPE</c> line) is a row of the table, and the table lists no family the binary does not write. Compiled
/// into the webhook's and the elector's test projects (a linked source file).
/// </summary>
internal static partial class MetricsDocsAssertions
{
    /// <param name="exposition">What <c>/metrics</c> answers with every optional family present.</param>
    /// <param name="docs">A path from the repository root.</param>
    /// <param name="section">The heading of the section whose table lists the metrics (rows start <c>| `name</c>).</param>
    public static void EachFamilyInTheDocsTable(string exposition, string docs, string section)
    {
        var written = TypeLine().Matches(exposition).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var text = File.ReadAllText(RepositoryFiles.Find(docs));
        var start = text.IndexOf(section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{docs} has no section \"{section}\"");
        var end = text.IndexOf("\n## ", start + section.Length, StringComparison.Ordinal);
        var body = end < 0 ? text[start..] : text[start..end];
        var documented = Row().Matches(body).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(written);
        Assert.Empty(written.Except(documented).Select(n => $"{n} is written but not in {docs} (\"{section}\")"));
        Assert.Empty(documented.Except(written).Select(n => $"{docs} (\"{section}\") lists {n}, which is not written"));
    }

    [GeneratedRegex(@"^# TYPE (?<name>\w+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^\| `(?<name>single_active_\w+)", RegexOptions.Multiline)]
    private static partial Regex Row();
}

using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Tests.Logging;

/// <summary>
/// Holds the registry, the log messages and docs/elector.md together: every <c>[LoggerMessage]</c> names an id of
/// <see cref="EventIds"/>, each id is one message's, and the docs table lists each with its level.
/// </summary>
public partial class EventIdsTests
{
    private const string Docs = "docs/elector.md";
    private const string Section = "## Log event ids";

    [Fact]
    public void EventIds_Constants_NoTwoShareANumber()
    {
        var shared = Registry().GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Name))}");

        Assert.Empty(shared);
    }

    [Fact]
    public void EventIds_Constants_EachInTheDocsTableWithItsLevel()
    {
        var documented = DocumentedLevels();
        var levels = Messages().GroupBy(m => m.Attribute.EventId).ToDictionary(g => g.Key, g => g.First().Attribute.Level.ToString());

        Assert.Empty(Registry().Where(c => !documented.ContainsKey(c.Id)).Select(c => $"{c.Id} ({c.Name}) is not in {Docs}"));
        Assert.Empty(documented.Keys.Except(Registry().Select(c => c.Id)).Select(id => $"{Docs} lists {id}, which is not in EventIds"));
        Assert.Empty(Registry().Where(c => documented.TryGetValue(c.Id, out var level) && levels.TryGetValue(c.Id, out var actual) && level != actual)
            .Select(c => $"{c.Id} ({c.Name}) is {levels[c.Id]}, {Docs} says {documented[c.Id]}"));
    }

    [Fact]
    public void LoggerMessages_InTheAssembly_EachUsesItsOwnRegisteredId()
    {
        var registered = Registry().Select(c => c.Id).ToHashSet();
        var messages = Messages();

        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(m => !registered.Contains(m.Attribute.EventId)).Select(m => $"{m.Method} uses {m.Attribute.EventId}, which is not in EventIds"));
        Assert.Empty(messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
        Assert.Empty(registered.Except(messages.Select(m => m.Attribute.EventId)).Select(id => $"EventIds has {id}, which no [LoggerMessage] uses"));
    }

    private static List<(string Name, int Id)> Registry() =>
        [.. typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (f.Name, (int)f.GetRawConstantValue()!))];

    private static List<(string Method, LoggerMessageAttribute Attribute)> Messages() =>
        [.. typeof(EventIds).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Method, m.Attribute!))];

    /// <summary>The rows <c>| id | level | meaning |</c> of the docs section, id to level.</summary>
    private static Dictionary<int, string> DocumentedLevels()
    {
        var text = File.ReadAllText(RepositoryFile(Docs));
        var start = text.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{Docs} has no section \"{Section}\"");
        var end = text.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        return Row().Matches(section).ToDictionary(m => int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups["level"].Value);
    }

    private static string RepositoryFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\| (?<id>\d+) \| (?<level>\w+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}

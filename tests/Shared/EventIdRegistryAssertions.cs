using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace SingleActive.Tests.Shared;

/// <summary>
/// The checks that hold a binary's log event-id registry (its <c>Logging/EventIds</c> class), its
/// <c>[LoggerMessage]</c> methods and the docs table of ids together. Compiled into the webhook's and the
/// elector's test projects (a linked source file), so both binaries are held to the same rules.
/// </summary>
internal static partial class EventIdRegistryAssertions
{
    /// <summary>No two constants of <paramref name="registry"/> share a number.</summary>
    public static void NoTwoShareANumber(Type registry)
    {
        var shared = Constants(registry).GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Name))}");

        Assert.Empty(shared);
    }

    /// <summary>
    /// Every id is a row <c>| id | level | meaning |</c> of the section <paramref name="section"/> of
    /// <paramref name="docs"/> (a path from the repository root), with the level its message logs at, and the
    /// table lists nothing else.
    /// </summary>
    public static void EachInTheDocsTableWithItsLevel(Type registry, string docs, string section)
    {
        var documented = DocumentedLevels(docs, section);
        var constants = Constants(registry);
        var levels = Messages(registry.Assembly).GroupBy(m => m.Attribute.EventId).ToDictionary(g => g.Key, g => g.First().Attribute.Level.ToString());

        Assert.Empty(constants.Where(c => !documented.ContainsKey(c.Id)).Select(c => $"{c.Id} ({c.Name}) is not in {docs}"));
        Assert.Empty(documented.Keys.Except(constants.Select(c => c.Id)).Select(id => $"{docs} lists {id}, which is not in EventIds"));
        Assert.Empty(constants.Where(c => documented.TryGetValue(c.Id, out var level) && levels.TryGetValue(c.Id, out var actual) && level != actual)
            .Select(c => $"{c.Id} ({c.Name}) is {levels[c.Id]}, {docs} says {documented[c.Id]}"));
    }

    /// <summary>Every <c>[LoggerMessage]</c> of the registry's assembly uses a registered id of its own, and every id is used.</summary>
    public static void EachMessageUsesItsOwnRegisteredId(Type registry)
    {
        var registered = Constants(registry).Select(c => c.Id).ToHashSet();
        var messages = Messages(registry.Assembly);

        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(m => !registered.Contains(m.Attribute.EventId)).Select(m => $"{m.Method} uses {m.Attribute.EventId}, which is not in EventIds"));
        Assert.Empty(messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
        Assert.Empty(registered.Except(messages.Select(m => m.Attribute.EventId)).Select(id => $"EventIds has {id}, which no [LoggerMessage] uses"));
    }

    private static List<(string Name, int Id)> Constants(Type registry) =>
        [.. registry.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (f.Name, (int)f.GetRawConstantValue()!))];

    private static List<(string Method, LoggerMessageAttribute Attribute)> Messages(Assembly assembly) =>
        [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Method, m.Attribute!))];

    private static Dictionary<int, string> DocumentedLevels(string docs, string section)
    {
        var text = File.ReadAllText(RepositoryFiles.Find(docs));
        var start = text.IndexOf(section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{docs} has no section \"{section}\"");
        var end = text.IndexOf("\n## ", start + section.Length, StringComparison.Ordinal);
        var body = end < 0 ? text[start..] : text[start..end];
        return Row().Matches(body).ToDictionary(m => int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture), m => m.Groups["level"].Value);
    }

    [GeneratedRegex(@"^\| (?<id>\d+) \| (?<level>\w+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}

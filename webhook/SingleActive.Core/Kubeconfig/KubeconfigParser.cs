using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SingleActive.Core.Kubeconfig;

/// <summary>
/// Reads a kubeconfig file into named entries with their scalar fields. The representation model rather than a
/// typed deserializer: no reflection (NativeAOT), and fields this code does not know are kept, not rejected.
/// </summary>
public static class KubeconfigParser
{
    /// <summary>Reads the kubeconfig file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">It is not valid YAML, or not a mapping; the message names the file.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public static KubeconfigFile ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Parse(path, reader);
    }

    public static KubeconfigFile Parse(string path, TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidOperationException($"{path} is not valid YAML (line {e.Start.Line}): {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner gives up this way, with no position, on a flow collection left open across lines.
            throw new InvalidOperationException($"{path} is not valid YAML: the parser cannot go on; a '{{' or '[' left unclosed is the usual cause", e);
        }

        if (stream.Documents.Count == 0)
        {
            return new KubeconfigFile(path, null, [], [], []);
        }

        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new InvalidOperationException($"{path} is not a kubeconfig (no YAML mapping)");
        return new KubeconfigFile(
            path, Scalars(root).GetValueOrDefault("current-context") is { Length: > 0 } current ? current : null,
            Named(root, path, "clusters", "cluster"), Named(root, path, "users", "user"), Named(root, path, "contexts", "context"));
    }

    private static List<KubeconfigEntry> Named(YamlMappingNode root, string path, string list, string inner)
    {
        var entries = new List<KubeconfigEntry>();
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var node) || node is not YamlSequenceNode items)
        {
            return entries;
        }

        foreach (var child in items.Children)
        {
            if (child is not YamlMappingNode item || Scalars(item).GetValueOrDefault("name") is not { Length: > 0 } name)
            {
                continue;
            }

            var body = item.Children.TryGetValue(new YamlScalarNode(inner), out var value) ? value as YamlMappingNode : null;
            entries.Add(body is null
                ? new KubeconfigEntry(name, path, new Dictionary<string, string>(), new HashSet<string>())
                : new KubeconfigEntry(name, path, Scalars(body), Sections(body)));
        }

        return entries;
    }

    /// <summary>The keys whose values are not scalars (<c>exec</c>, <c>auth-provider</c>).</summary>
    private static HashSet<string> Sections(YamlMappingNode node)
    {
        var sections = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is not YamlScalarNode)
            {
                sections.Add(name);
            }
        }

        return sections;
    }

    private static Dictionary<string, string> Scalars(YamlMappingNode node)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is YamlScalarNode { Value: { } text })
            {
                fields[name] = text;
            }
        }

        return fields;
    }
}

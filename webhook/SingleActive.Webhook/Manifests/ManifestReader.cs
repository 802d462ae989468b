using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Core.Errors;
using SingleActive.Core.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// Reads a manifest stream as kubectl does: YAML with <c>---</c> between documents, or one or more JSON
/// values. Each document becomes a JSON tree, so that fields no model knows pass through untouched.
/// Empty documents (a leading <c>---</c>, comments only) are dropped.
/// </summary>
public static class ManifestReader
{
    /// <summary>Deeper than any real manifest; stops alias bombs and runaway recursion.</summary>
    private const int MaxDepth = 64;

    public static IReadOnlyList<JsonNode> Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.AsSpan().TrimStart();
        return start.Length > 0 && start[0] is '{' or '[' ? ReadJson(text) : ReadYaml(text);
    }

    private static List<JsonNode> ReadJson(string text)
    {
        var documents = new List<JsonNode>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions
        {
            AllowMultipleValues = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = MaxDepth,
        });
        try
        {
            while (reader.Read())
            {
                documents.Add(JsonNode.Parse(ref reader) ?? throw new ManifestFormatException($"document {documents.Count + 1}: null is not a Kubernetes object"));
            }
        }
        catch (JsonException e)
        {
            throw new ManifestFormatException(
                $"document {documents.Count + 1}: invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}", e);
        }

        return documents;
    }

    private static List<JsonNode> ReadYaml(string text)
    {
        var stream = new YamlStream();
        var parser = new DocumentCountingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            // YamlDotNet places some scanner errors at the start of the block they are in (a tab used as indentation: line 1,
            // column 1), before what the parser has read; the fault is after that then. (Errors of the loader, such as a
            // duplicate key, come after the parser has read on, and are placed right.)
            var place = e is SyntaxErrorException && parser.LastEnd is { } last && last.Index > e.Start.Index
                ? $"after line {last.Line}, column {last.Column}"
                : $"at line {e.Start.Line}, column {e.Start.Column}";
            throw new ManifestFormatException($"document {Math.Max(parser.Documents, 1)}: invalid YAML {place}: {ErrorText.Innermost(e).Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner gives up this way, with no position, on a flow collection left open across lines
            // ("a: [1, 2" followed by more lines).
            var place = parser.LastEnd is { } last ? $"after line {last.Line}, column {last.Column}" : "at line 1";
            throw new ManifestFormatException(
                $"document {Math.Max(parser.Documents, 1)}: invalid YAML {place}: the parser cannot go on from there; a '{{' or '[' left unclosed before it is the usual cause", e);
        }

        var documents = new List<JsonNode>();
        var number = 0;
        foreach (var document in stream.Documents)
        {
            number++;
            if (document.RootNode is YamlScalarNode { Value: null or "" } || ToJson(document.RootNode, number, 0) is not { } node)
            {
                continue;
            }

            documents.Add(node);
        }

        return documents;
    }

    private static JsonNode? ToJson(YamlNode node, int document, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ManifestFormatException($"document {document}: nested deeper than {MaxDepth} levels (line {node.Start.Line})");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                var merges = new List<YamlNode>();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
                    {
                        throw new ManifestFormatException($"document {document}: line {keyNode.Start.Line}: a mapping key must be a plain value");
                    }

                    if (key == "<<" && scalarKey.Style is ScalarStyle.Plain or ScalarStyle.Any)
                    {
                        merges.Add(valueNode);
                        continue;
                    }

                    obj[key] = ToJson(valueNode, document, depth + 1);
                }

                foreach (var merge in merges)
                {
                    Merge(obj, merge, document, depth);
                }

                return obj;

            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item, document, depth + 1));
                }

                return array;

            case YamlScalarNode scalar:
                return Scalar(scalar, document);

            default:
                throw new ManifestFormatException($"document {document}: line {node.Start.Line}: unsupported YAML node");
        }
    }

    /// <summary>
    /// YAML merge keys (<c>&lt;&lt;: *base</c>): the mapping's own keys win, then earlier merged mappings over later ones.
    /// Done here rather than with YamlDotNet's MergingParser, which replays the merged keys as duplicates.
    /// </summary>
    private static void Merge(JsonObject target, YamlNode source, int document, int depth)
    {
        IEnumerable<YamlNode> sources = source is YamlSequenceNode sequence ? sequence.Children : [source];
        foreach (var item in sources)
        {
            if (ToJson(item, document, depth + 1) is not JsonObject merged)
            {
                throw new ManifestFormatException($"document {document}: line {item.Start.Line}: a merge key (<<) needs a mapping or a list of mappings");
            }

            foreach (var (key, value) in merged.ToList())
            {
                if (!target.ContainsKey(key))
                {
                    merged.Remove(key);
                    target[key] = value;
                }
            }
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar, int document)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
        switch (tag)
        {
            case null:
                return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any ? YamlScalars.ResolvePlain(text) : JsonValue.Create(text);
            case "tag:yaml.org,2002:str":
                return JsonValue.Create(text);
            case "tag:yaml.org,2002:null":
                return null;
            case "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float":
                var value = YamlScalars.ResolvePlain(text);
                if (value is JsonValue { } typed && typed.GetValueKind() != JsonValueKind.String)
                {
                    return value;
                }

                throw new ManifestFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"document {document}: line {scalar.Start.Line}: \"{text}\" is not a valid {tag["tag:yaml.org,2002:".Length..]}"));
            default:
                // A custom tag carries no meaning for Kubernetes; the value is what matters.
                return JsonValue.Create(text);
        }
    }

    /// <summary>Counts documents as they are parsed and keeps where the last event ended, so a syntax error can say which document it is in and what was read before it.</summary>
    private sealed class DocumentCountingParser(IParser inner) : IParser
    {
        public int Documents { get; private set; }

        /// <summary>Where the last event read ends; null before the first.</summary>
        public Mark? LastEnd { get; private set; }

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (moved)
            {
                LastEnd = inner.Current?.End;
                if (inner.Current is YamlDotNet.Core.Events.DocumentStart)
                {
                    Documents++;
                }
            }

            return moved;
        }
    }
}

using System.Text.Json.Nodes;
using SingleActive.Core.Yaml;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// Writes JSON trees as a YAML stream for <c>kubectl apply -f -</c>: each document after <c>---</c>, written by
/// <see cref="YamlWriter"/> (strings YAML would read as something else quoted, so they stay strings).
/// </summary>
public static class ManifestWriter
{
    public static void Write(TextWriter output, IEnumerable<JsonNode> documents) => YamlWriter.Write(output, documents, markDocuments: true);

    public static string Write(IEnumerable<JsonNode> documents)
    {
        using var writer = new StringWriter();
        Write(writer, documents);
        return writer.ToString();
    }
}

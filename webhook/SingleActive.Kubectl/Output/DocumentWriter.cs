using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Core.Yaml;

namespace SingleActive.Kubectl.Output;

/// <summary>
/// <c>-o json</c> and <c>-o yaml</c> of one document, built once as JSON so both say the same. YAML is written by
/// <see cref="YamlWriter"/>: plain scalars where YAML allows, quoted where a plain one would read as another type.
/// </summary>
public static class DocumentWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Render(JsonNode document, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(document);
        return format == OutputFormat.Yaml ? ToYaml(document) : document.ToJsonString(Indented) + "\n";
    }

    /// <summary>The document as YAML (<see cref="YamlWriter"/>, as the webhook's <c>inject -f</c> writes it).</summary>
    public static string ToYaml(JsonNode document) => YamlWriter.ToYaml(document);
}

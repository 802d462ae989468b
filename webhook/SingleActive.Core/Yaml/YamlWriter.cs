using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SingleActive.Core.Yaml;

/// <summary>
/// Writes JSON trees as YAML through YamlDotNet's emitter (no reflection, so NativeAOT keeps it), for the webhook's
/// <c>inject -f</c> and the kubectl plugin's <c>-o yaml</c> alike: block style, keys in their original order, a
/// multi-line string as a literal block, and every string that a YAML 1.1 reader such as kubectl's would take for
/// something else (<c>"true"</c>, <c>"8080"</c>, <c>"yes"</c>, <c>"0x1F"</c>, <c>"2024-01-02"</c>; see
/// <see cref="YamlScalars.NeedsQuotes"/>) double-quoted so that it stays a string. Other strings are left to the
/// emitter: plain where YAML allows, single-quoted where an indicator (<c>": "</c>, a leading <c>-</c>, ...) forbids it.
/// </summary>
public static class YamlWriter
{
    /// <summary>Writes <paramref name="documents"/> as one stream.</summary>
    /// <param name="markDocuments">Start every document with <c>---</c> (a manifest stream); otherwise the start is implied.</param>
    public static void Write(TextWriter output, IEnumerable<JsonNode> documents, bool markDocuments)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(documents);
        var emitter = new Emitter(output);
        emitter.Emit(new StreamStart());
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: !markDocuments));
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
    }

    /// <summary>One document, without a <c>---</c> marker.</summary>
    public static string ToYaml(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(text, [document], markDocuments: false);
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    emitter.Emit(String(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;

            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;

            case null:
                emitter.Emit(Plain("null"));
                break;

            case JsonValue value:
                emitter.Emit(value.GetValueKind() switch
                {
                    JsonValueKind.String => String(value.GetValue<string>()),
                    JsonValueKind.True => Plain("true"),
                    JsonValueKind.False => Plain("false"),
                    _ => Plain(value.ToJsonString()),
                });
                break;
        }
    }

    private static Scalar Plain(string text) => new(null, null, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false);

    private static Scalar String(string text)
    {
        var style = YamlScalars.NeedsQuotes(text) ? ScalarStyle.DoubleQuoted
            : text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : ScalarStyle.Any;
        return new Scalar(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true);
    }
}

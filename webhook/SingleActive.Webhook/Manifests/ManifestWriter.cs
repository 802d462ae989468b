using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// Writes JSON trees as a YAML stream for <c>kubectl apply -f -</c>: block style, keys in their original
/// order, and every string that YAML would read as something else (<c>"true"</c>, <c>"8080"</c>, <c>"yes"</c>)
/// quoted so that it stays a string.
/// </summary>
public static class ManifestWriter
{
    public static void Write(TextWriter output, IEnumerable<JsonNode> documents)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(documents);
        var emitter = new Emitter(output);
        emitter.Emit(new StreamStart());
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: false));
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
    }

    public static string Write(IEnumerable<JsonNode> documents)
    {
        using var writer = new StringWriter();
        Write(writer, documents);
        return writer.ToString();
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

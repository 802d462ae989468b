using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SingleActive.Webhook.Patching;

/// <summary>
/// patch: the RFC 6902 operations that turn one JSON document into another. Objects are diffed key by
/// key and arrays element by element (equal prefix and suffix untouched, the middle diffed pairwise, the
/// rest added or removed at the end), so an element the webhook did not change is never replaced as a
/// whole: fields the typed model does not know stay as the API server sent them. Writes with
/// <see cref="Utf8JsonWriter"/> only, which NativeAOT needs no metadata for.
/// </summary>
public sealed class JsonPatchBuilder
{
    /// <summary>A UTF-8 JSON array of operations; <c>[]</c> when the documents are equal.</summary>
    public byte[] CreatePatch(JsonNode? original, JsonNode? mutated)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            Diff("", original, mutated, writer);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>RFC 6901: "~" becomes "~0" and "/" becomes "~1" (annotation keys are full of slashes).</summary>
    public static string EscapePointerToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Contains('~', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal)
            ? token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : token;
    }

    private static void Diff(string path, JsonNode? a, JsonNode? b, Utf8JsonWriter w)
    {
        switch (a, b)
        {
            case (JsonObject oa, JsonObject ob):
                DiffObjects(path, oa, ob, w);
                break;
            case (JsonArray aa, JsonArray ab):
                DiffArrays(path, aa, ab, w);
                break;
            default:
                if (!JsonNode.DeepEquals(a, b))
                {
                    Write(w, "replace", path, b);
                }

                break;
        }
    }

    private static void DiffObjects(string path, JsonObject a, JsonObject b, Utf8JsonWriter w)
    {
        foreach (var (key, _) in a)
        {
            if (!b.ContainsKey(key))
            {
                Write(w, "remove", path + "/" + EscapePointerToken(key));
            }
        }

        foreach (var (key, value) in b)
        {
            var child = path + "/" + EscapePointerToken(key);
            if (a.TryGetPropertyValue(key, out var old))
            {
                Diff(child, old, value, w);
            }
            else
            {
                Write(w, "add", child, value);
            }
        }
    }

    private static void DiffArrays(string path, JsonArray a, JsonArray b, Utf8JsonWriter w)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && JsonNode.DeepEquals(a[prefix], b[prefix]))
        {
            prefix++;
        }

        // An element inserted at the front (a native sidecar goes first) must be one add, not a rewrite
        // of every element after it.
        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && JsonNode.DeepEquals(a[a.Count - 1 - suffix], b[b.Count - 1 - suffix]))
        {
            suffix++;
        }

        var middleA = a.Count - prefix - suffix;
        var middleB = b.Count - prefix - suffix;
        var common = Math.Min(middleA, middleB);
        for (var i = 0; i < common; i++)
        {
            Diff(Index(path, prefix + i), a[prefix + i], b[prefix + i], w);
        }

        for (var i = common; i < middleB; i++)
        {
            Write(w, "add", Index(path, prefix + i), b[prefix + i]);
        }

        // From the end, so each index still names the element it meant when the patch is applied in order.
        for (var i = middleA - 1; i >= common; i--)
        {
            Write(w, "remove", Index(path, prefix + i));
        }
    }

    private static string Index(string path, int index) => path + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Write(Utf8JsonWriter w, string op, string path)
    {
        w.WriteStartObject();
        w.WriteString("op", op);
        w.WriteString("path", path);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, string op, string path, JsonNode? value)
    {
        w.WriteStartObject();
        w.WriteString("op", op);
        w.WriteString("path", path);
        w.WritePropertyName("value");
        if (value is null)
        {
            w.WriteNullValue();
        }
        else
        {
            value.WriteTo(w);
        }

        w.WriteEndObject();
    }
}

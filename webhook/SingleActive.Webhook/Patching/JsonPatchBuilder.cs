using System.Buffers;
using System.Runtime.InteropServices;
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
/// <remarks>
/// Works on <see cref="JsonElement"/>s, read-only views of the parsed text: no tree is built. Both sides
/// of a webhook diff come from the same serializer (<see cref="KubernetesObjectJson"/>), so a subtree the
/// webhook did not touch has byte-identical text on both sides; comparing the raw text first skips it
/// without walking it. Different text is not taken as a difference: the subtree is then diffed
/// structurally, so member order or number spelling never produce operations.
/// </remarks>
public sealed class JsonPatchBuilder
{
    /// <summary>A UTF-8 JSON array of operations; <c>[]</c> when the documents are equal.</summary>
    public byte[] CreatePatch(JsonElement original, JsonElement mutated)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            if (!SameText(original, mutated))
            {
                Diff("", original, mutated, writer);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>As <see cref="CreatePatch(JsonElement, JsonElement)"/>, for two UTF-8 JSON texts.</summary>
    public byte[] CreatePatch(ReadOnlyMemory<byte> originalJson, ReadOnlyMemory<byte> mutatedJson)
    {
        using var original = JsonDocument.Parse(originalJson);
        using var mutated = JsonDocument.Parse(mutatedJson);
        return CreatePatch(original.RootElement, mutated.RootElement);
    }

    /// <summary>As <see cref="CreatePatch(JsonElement, JsonElement)"/>, for trees (a null node is JSON null).</summary>
    public byte[] CreatePatch(JsonNode? original, JsonNode? mutated) => CreatePatch(Utf8(original), Utf8(mutated));

    /// <summary>RFC 6901: "~" becomes "~0" and "/" becomes "~1" (annotation keys are full of slashes).</summary>
    public static string EscapePointerToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Contains('~', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal)
            ? token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : token;
    }

    private static byte[] Utf8(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (node is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                node.WriteTo(writer);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Callers skip subtrees with the same raw text before building the path (<see cref="SameText"/>).</summary>
    private static void Diff(string path, JsonElement a, JsonElement b, Utf8JsonWriter w)
    {
        switch (a.ValueKind, b.ValueKind)
        {
            case (JsonValueKind.Object, JsonValueKind.Object):
                DiffObjects(path, a, b, w);
                break;
            case (JsonValueKind.Array, JsonValueKind.Array):
                DiffArrays(path, a, b, w);
                break;
            default:
                if (!JsonElement.DeepEquals(a, b))
                {
                    Write(w, "replace", path, b);
                }

                break;
        }
    }

    private static void DiffObjects(string path, JsonElement a, JsonElement b, Utf8JsonWriter w)
    {
        JsonProperty[] before = [.. a.EnumerateObject()];
        JsonProperty[] after = [.. b.EnumerateObject()];

        // Both sides usually list their members in the same order (one serializer), so each member of b is
        // first looked for where the previous match left off; a name is searched for only where orders part.
        var match = new int[after.Length];
        var matched = new bool[before.Length];
        var next = 0;
        for (var j = 0; j < after.Length; j++)
        {
            var i = next < before.Length && SameName(before[next], after[j]) ? next : IndexOf(before, after[j]);
            match[j] = i;
            if (i >= 0)
            {
                matched[i] = true;
                next = i + 1;
            }
        }

        for (var i = 0; i < before.Length; i++)
        {
            if (!matched[i])
            {
                Write(w, "remove", Child(path, before[i]));
            }
        }

        for (var j = 0; j < after.Length; j++)
        {
            if (match[j] < 0)
            {
                Write(w, "add", Child(path, after[j]), after[j].Value);
            }
            else if (!SameText(before[match[j]].Value, after[j].Value))
            {
                Diff(Child(path, after[j]), before[match[j]].Value, after[j].Value, w);
            }
        }
    }

    private static int IndexOf(JsonProperty[] members, JsonProperty wanted)
    {
        for (var i = 0; i < members.Length; i++)
        {
            if (SameName(members[i], wanted))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Raw names first; names spelled with different escapes are compared unescaped.</summary>
    private static bool SameName(JsonProperty a, JsonProperty b) =>
        JsonMarshal.GetRawUtf8PropertyName(a).SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(b))
        || (HasEscapes(a) || HasEscapes(b)) && a.NameEquals(b.Name);

    private static bool HasEscapes(JsonProperty property) => JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\');

    private static string Child(string path, JsonProperty member) => path + "/" + EscapePointerToken(member.Name);

    private static void DiffArrays(string path, JsonElement a, JsonElement b, Utf8JsonWriter w)
    {
        var countA = a.GetArrayLength();
        var countB = b.GetArrayLength();
        var prefix = 0;
        while (prefix < countA && prefix < countB && Equal(a[prefix], b[prefix]))
        {
            prefix++;
        }

        // An element inserted at the front (a native sidecar goes first) must be one add, not a rewrite
        // of every element after it.
        var suffix = 0;
        while (suffix < countA - prefix && suffix < countB - prefix && Equal(a[countA - 1 - suffix], b[countB - 1 - suffix]))
        {
            suffix++;
        }

        var middleA = countA - prefix - suffix;
        var middleB = countB - prefix - suffix;
        var common = Math.Min(middleA, middleB);
        for (var i = 0; i < common; i++)
        {
            if (!SameText(a[prefix + i], b[prefix + i]))
            {
                Diff(Index(path, prefix + i), a[prefix + i], b[prefix + i], w);
            }
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

    private static bool SameText(JsonElement a, JsonElement b) =>
        JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(b));

    private static bool Equal(JsonElement a, JsonElement b) => SameText(a, b) || JsonElement.DeepEquals(a, b);

    private static string Index(string path, int index) => path + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Write(Utf8JsonWriter w, string op, string path)
    {
        w.WriteStartObject();
        w.WriteString("op", op);
        w.WriteString("path", path);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, string op, string path, JsonElement value)
    {
        w.WriteStartObject();
        w.WriteString("op", op);
        w.WriteString("path", path);
        w.WritePropertyName("value");
        value.WriteTo(w);
        w.WriteEndObject();
    }
}

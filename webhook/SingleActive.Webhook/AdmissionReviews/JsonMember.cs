using System.Text.Json;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// Where one member's value lies in a validated UTF-8 document: its first token and its bytes (for a string,
/// with its quotes). <c>default</c>: absent.
/// </summary>
internal readonly record struct JsonMember(JsonTokenType Token, int Start, int Length)
{
    /// <summary>Absent or JSON null: optional fields read both as missing, as the serializer does.</summary>
    public bool IsMissing => Token is JsonTokenType.None or JsonTokenType.Null;

    /// <summary>
    /// The values of the members named <paramref name="names"/> in the object at <paramref name="start"/> of
    /// <paramref name="document"/> (already validated, to <see cref="AdmissionReviewReader.MaxDepth"/>), by index in
    /// <paramref name="names"/> (UTF-8); a name given twice takes its last value, as
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> does.
    /// </summary>
    public static JsonMember[] Find(ReadOnlySpan<byte> document, int start, ReadOnlySpan<byte[]> names)
    {
        var found = new JsonMember[names.Length];
        var reader = new Utf8JsonReader(document[start..], new JsonReaderOptions { MaxDepth = AdmissionReviewReader.MaxDepth });
        reader.Read(); // The object's '{'.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = IndexOf(ref reader, names);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            var token = reader.TokenType;
            reader.Skip();
            if (index >= 0)
            {
                found[index] = new JsonMember(token, start + valueStart, (int)reader.BytesConsumed - valueStart);
            }
        }

        return found;
    }

    /// <summary>A string member's value (a validated token; throws <see cref="InvalidOperationException"/> for text that is not valid UTF-8).</summary>
    public string GetString(ReadOnlySpan<byte> document)
    {
        var reader = new Utf8JsonReader(document.Slice(Start, Length));
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>What the value is, for messages: "an array", "a number", ...</summary>
    public string Describe() => Token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

    /// <summary>The value's kind as <see cref="JsonElement.ValueKind"/> names it.</summary>
    public JsonValueKind ValueKind => Token switch
    {
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };

    /// <summary>
    /// Whether the string or property name the reader is on reads <paramref name="text"/> once unescaped. An escape
    /// that is not valid UTF-16 (a lone surrogate) never equals a valid text: <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>
    /// would throw mid-walk, while <see cref="JsonDocument"/> just finds no such member.
    /// </summary>
    public static bool TextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        if (!reader.ValueIsEscaped)
        {
            return !reader.HasValueSequence && reader.ValueSpan.SequenceEqual(text);
        }

        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The index in <paramref name="names"/> of the property name the reader is on; -1 for another.</summary>
    public static int IndexOf(ref Utf8JsonReader reader, ReadOnlySpan<byte[]> names)
    {
        for (var i = names.Length - 1; i >= 0; i--)
        {
            if (TextEquals(ref reader, names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

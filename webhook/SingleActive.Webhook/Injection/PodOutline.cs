using System.Text;
using System.Text.Json;
using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// What the pod path knows of <c>request.object</c> before reading the whole pod, from one light pass over its top
/// level and <c>metadata</c> (the rest is skipped, not parsed): whether it is an object, a <c>kind</c> other than
/// <c>Pod</c>, and whether its <c>single-active</c> annotation plainly says no, so the common case is answered
/// without reading the pod. A member given twice counts with its last value, as the typed read takes it.
/// </summary>
/// <param name="IsObject">request.object is a JSON object.</param>
/// <param name="ForeignKind">The JSON text of a <c>kind</c> that is not the string <c>"Pod"</c>; <c>null</c> when absent or <c>"Pod"</c>.</param>
/// <param name="PlainlyNotOptedIn">
/// No <c>single-active</c> annotation, or one that reads false; anything unusual (annotations that are not an
/// object, a value that is not a string) is <c>false</c> and goes the full way.
/// </param>
public readonly record struct PodOutline(bool IsObject, string? ForeignKind, bool PlainlyNotOptedIn)
{
    private static readonly byte[] EnabledAnnotation = Encoding.UTF8.GetBytes(SingleActive.Contract.Annotations.Enabled);

    /// <summary>The outline of <paramref name="pod"/> (a value the envelope reader validated): the one it read, else read now.</summary>
    public static PodOutline Of(RawJsonValue? pod)
    {
        if (pod?.Outline is { } known)
        {
            return known;
        }

        if (pod is not { ValueKind: JsonValueKind.Object })
        {
            return new PodOutline(false, null, false);
        }

        var span = pod.Utf8.Span;
        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = AdmissionReviewReader.MaxDepth });
        reader.Read();
        return Read(ref reader, span);
    }

    /// <summary>
    /// Reads the outline of the object <paramref name="reader"/> is on (its <c>{</c>), leaving the reader on its
    /// <c>}</c> as <see cref="Utf8JsonReader.Skip"/> would: the envelope reader calls it for <c>request.object</c>
    /// in its one pass over the body. <paramref name="document"/> is what the reader reads.
    /// </summary>
    public static PodOutline Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> document)
    {
        string? foreignKind = null;
        var optIn = Annotation.NoneSet;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isPod = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("Pod"u8);
                reader.Skip();
                foreignKind = isPod ? null : Encoding.UTF8.GetString(document[start..(int)reader.BytesConsumed]);
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                optIn = ReadMetadata(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new PodOutline(true, foreignKind, foreignKind is null && optIn.SaysNo);
    }

    /// <summary>Reads the <c>metadata</c> value the reader is on, to its end.</summary>
    private static Annotation ReadMetadata(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return Annotation.NoneSet;
        }

        var found = Annotation.NoneSet;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isAnnotations = reader.ValueTextEquals("annotations"u8);
            reader.Read();
            if (!isAnnotations)
            {
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.Null)
            {
                found = Annotation.NoneSet;
            }
            else if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                found = Annotation.Unusual;
            }
            else
            {
                found = ReadAnnotations(ref reader);
            }
        }

        return found;
    }

    private static Annotation ReadAnnotations(ref Utf8JsonReader reader)
    {
        var found = Annotation.NoneSet;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEnabled = reader.ValueTextEquals(EnabledAnnotation);
            reader.Read();
            if (isEnabled)
            {
                found = reader.TokenType == JsonTokenType.String ? Annotation.Of(reader.GetString()!) : Annotation.Unusual;
            }

            reader.Skip();
        }

        return found;
    }

    /// <summary>The <c>single-active</c> annotation as found: none, unusual, or a string value.</summary>
    private readonly record struct Annotation(bool IsSet, string? Value)
    {
        public static readonly Annotation NoneSet = new(false, null);

        public static readonly Annotation Unusual = new(true, null);

        public bool SaysNo => !IsSet || (Value is not null && OptIn.Read(new Dictionary<string, string>(1) { [SingleActive.Contract.Annotations.Enabled] = Value }) == OptInValue.False);

        public static Annotation Of(string value) => new(true, value);
    }
}

using System.Text;
using System.Text.Json;
using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// What the pod path knows of <c>request.object</c> before reading the whole pod, from a light pass over its top
/// level and <c>metadata</c> (the rest is skipped, not parsed) that the envelope reader makes in its one pass over
/// the body: whether it is an object, a <c>kind</c> other than <c>Pod</c>, and what its <c>single-active</c>
/// annotation says, so the common case is answered without reading the pod. A member given twice counts with its
/// last value, as the typed read takes it. Nothing is decoded during the pass: the annotation's text is decoded
/// when <see cref="PlainlyNotOptedIn"/> is asked (only the pod path asks), so a bad value cannot refuse a body the
/// walk has not finished checking.
/// </summary>
public readonly struct PodOutline
{
    private static readonly byte[] EnabledAnnotation = Encoding.UTF8.GetBytes(SingleActive.Contract.Annotations.Enabled);

    private readonly Annotation annotation;

    /// <summary>The annotation's string token (with its quotes) when <see cref="annotation"/> is <see cref="Annotation.Text"/>.</summary>
    private readonly ReadOnlyMemory<byte> annotationToken;

    private PodOutline(bool isObject, string? foreignKind, Annotation annotation, ReadOnlyMemory<byte> annotationToken)
    {
        IsObject = isObject;
        ForeignKind = foreignKind;
        this.annotation = annotation;
        this.annotationToken = annotationToken;
    }

    private enum Annotation
    {
        /// <summary>No <c>single-active</c> annotation (or no annotations, or no metadata object).</summary>
        None,

        /// <summary>Annotations that are not an object, or a value that is not a string: the full way decides.</summary>
        Unusual,

        /// <summary>A string value, in <see cref="annotationToken"/>.</summary>
        Text,
    }

    /// <summary>request.object is a JSON object.</summary>
    public bool IsObject { get; }

    /// <summary>The JSON text of a <c>kind</c> that is not the string <c>"Pod"</c>; <c>null</c> when absent or <c>"Pod"</c>.</summary>
    public string? ForeignKind { get; }

    /// <summary>
    /// A pod with no <c>single-active</c> annotation, or one that reads false; anything unusual (a foreign kind,
    /// annotations that are not an object, a value that is not a string) is <c>false</c> and goes the full way.
    /// Throws <see cref="InvalidOperationException"/> for a value that is not valid UTF-8, as reading it always did.
    /// </summary>
    public bool PlainlyNotOptedIn => IsObject && ForeignKind is null && annotation switch
    {
        Annotation.None => true,
        Annotation.Text => OptIn.Read(new Dictionary<string, string>(1) { [SingleActive.Contract.Annotations.Enabled] = Decode(annotationToken.Span) }) == OptInValue.False,
        _ => false,
    };

    /// <summary>The outline of <paramref name="pod"/> (a value the envelope reader validated): the one it read in its pass, else read now.</summary>
    public static PodOutline Of(RawJsonValue? pod)
    {
        if (pod?.Outline is { } known)
        {
            return known;
        }

        if (pod is not { ValueKind: JsonValueKind.Object })
        {
            return default;
        }

        var reader = new Utf8JsonReader(pod.Utf8.Span, new JsonReaderOptions { MaxDepth = AdmissionReviewReader.MaxDepth });
        reader.Read();
        return Read(ref reader, pod.Utf8);
    }

    /// <summary>
    /// Reads the outline of the object <paramref name="reader"/> is on (its <c>{</c>), leaving the reader on its
    /// <c>}</c> as <see cref="Utf8JsonReader.Skip"/> would: the envelope reader calls it for <c>request.object</c>
    /// in its one pass over the body. <paramref name="document"/> is what the reader reads.
    /// </summary>
    public static PodOutline Read(ref Utf8JsonReader reader, ReadOnlyMemory<byte> document)
    {
        string? foreignKind = null;
        var (annotation, token) = (Annotation.None, ReadOnlyMemory<byte>.Empty);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonMember.TextEquals(ref reader, "kind"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isPod = reader.TokenType == JsonTokenType.String && JsonMember.TextEquals(ref reader, "Pod"u8);
                reader.Skip();
                foreignKind = isPod ? null : Encoding.UTF8.GetString(document.Span[start..(int)reader.BytesConsumed]);
            }
            else if (JsonMember.TextEquals(ref reader, "metadata"u8))
            {
                reader.Read();
                (annotation, token) = ReadMetadata(ref reader, document);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new PodOutline(true, foreignKind, annotation, token);
    }

    /// <summary>Reads the <c>metadata</c> value the reader is on, to its end.</summary>
    private static (Annotation, ReadOnlyMemory<byte>) ReadMetadata(ref Utf8JsonReader reader, ReadOnlyMemory<byte> document)
    {
        var found = (Annotation.None, ReadOnlyMemory<byte>.Empty);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return found;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isAnnotations = JsonMember.TextEquals(ref reader, "annotations"u8);
            reader.Read();
            if (!isAnnotations)
            {
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.Null)
            {
                found = (Annotation.None, ReadOnlyMemory<byte>.Empty);
            }
            else if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                found = (Annotation.Unusual, ReadOnlyMemory<byte>.Empty);
            }
            else
            {
                found = ReadAnnotations(ref reader, document);
            }
        }

        return found;
    }

    private static (Annotation, ReadOnlyMemory<byte>) ReadAnnotations(ref Utf8JsonReader reader, ReadOnlyMemory<byte> document)
    {
        var found = (Annotation.None, ReadOnlyMemory<byte>.Empty);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEnabled = JsonMember.TextEquals(ref reader, EnabledAnnotation);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var isText = reader.TokenType == JsonTokenType.String;
            reader.Skip();
            if (isEnabled)
            {
                found = isText ? (Annotation.Text, document[start..(int)reader.BytesConsumed]) : (Annotation.Unusual, ReadOnlyMemory<byte>.Empty);
            }
        }

        return found;
    }

    /// <summary>A validated string token's text; throws <see cref="InvalidOperationException"/> for text that is not valid UTF-8.</summary>
    private static string Decode(ReadOnlySpan<byte> token)
    {
        var reader = new Utf8JsonReader(token);
        reader.Read();
        return reader.GetString()!;
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// One JSON value of a request body kept as its UTF-8 text: <c>request.object</c> and <c>request.oldObject</c>,
/// which the envelope reader validates but does not parse. The pod path deserializes its typed pod straight from
/// <see cref="Utf8"/>; a <see cref="JsonElement"/> is made only where one is wanted (<see cref="ToElement"/>).
/// </summary>
[JsonConverter(typeof(RawJsonValueConverter))]
public sealed class RawJsonValue
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = AdmissionReviewReader.MaxDepth };

    /// <param name="utf8">Exactly one valid JSON value (checked by the caller: the envelope reader, or <see cref="Parse"/>).</param>
    /// <param name="valueKind">Its kind (never <see cref="JsonValueKind.Undefined"/>).</param>
    /// <param name="outline">Its pod outline, when the envelope reader read it in its pass.</param>
    internal RawJsonValue(ReadOnlyMemory<byte> utf8, JsonValueKind valueKind, PodOutline? outline = null)
    {
        Utf8 = utf8;
        ValueKind = valueKind;
        Outline = outline;
    }

    /// <summary>The value's text as it was sent (a slice of the request body).</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>Object, array, string, ...; never <see cref="JsonValueKind.Undefined"/> (a JSON null member is no value at all).</summary>
    public JsonValueKind ValueKind { get; }

    /// <summary>The value's <see cref="PodOutline"/> when the envelope reader read it in its one pass (<c>request.object</c>); null otherwise.</summary>
    public PodOutline? Outline { get; }

    /// <summary>Checks and keeps <paramref name="json"/> (tests and tools); throws <see cref="JsonException"/> when it is not one JSON value.</summary>
    public static RawJsonValue Parse(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        return new RawJsonValue(utf8, JsonElement.Parse(utf8, DocumentOptions).ValueKind);
    }

    /// <summary>The value parsed into an element of its own (a copy: it outlives the request body), as deep as the envelope reader allows.</summary>
    public JsonElement ToElement() => JsonElement.Parse(Utf8.Span, DocumentOptions);

    /// <summary>The value's text, as <see cref="JsonElement.GetRawText"/> gives it.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);
}

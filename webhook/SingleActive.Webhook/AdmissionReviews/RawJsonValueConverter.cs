using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>Reads a <see cref="RawJsonValue"/> as the value's text and writes it back unchanged (tests and tools deserialize reviews with it).</summary>
public sealed class RawJsonValueConverter : JsonConverter<RawJsonValue>
{
    public override RawJsonValue? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        return new RawJsonValue(JsonMarshal.GetRawUtf8Value(element).ToArray(), element.ValueKind);
    }

    public override void Write(Utf8JsonWriter writer, RawJsonValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}

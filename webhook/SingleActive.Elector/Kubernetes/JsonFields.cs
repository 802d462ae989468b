using System.Globalization;
using System.Text.Json.Nodes;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Reads one field of an API object leniently: a missing field, or one of another JSON type, is null (an object
/// the API server serves has the right types; anything else is treated as absent, never thrown).
/// </summary>
internal static class JsonFields
{
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static int? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    /// <summary>An RFC 3339 time (<c>metav1.Time</c>: to the second, UTC) as the API server writes it.</summary>
    public static DateTimeOffset? Time(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

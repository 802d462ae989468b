using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary><c>request.kind</c>: the kind of the object under review.</summary>
public sealed class GroupVersionKind
{
    [JsonPropertyName("group")] public string? Group { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
}

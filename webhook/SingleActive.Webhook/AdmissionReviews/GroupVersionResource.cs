using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary><c>request.resource</c>: the resource the request was made to.</summary>
public sealed class GroupVersionResource
{
    [JsonPropertyName("group")] public string? Group { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("resource")] public string? Resource { get; set; }
}

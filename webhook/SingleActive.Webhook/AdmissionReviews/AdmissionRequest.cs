using System.Text.Json;
using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>The <c>request</c> of an AdmissionReview: what the API server asks about (<c>object</c> and <c>oldObject</c> stay raw JSON text).</summary>
public sealed class AdmissionRequest
{
    [JsonPropertyName("uid")] public string? Uid { get; set; }
    [JsonPropertyName("kind")] public GroupVersionKind? Kind { get; set; }
    [JsonPropertyName("resource")] public GroupVersionResource? Resource { get; set; }
    [JsonPropertyName("subResource")] public string? SubResource { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("operation")] public string? Operation { get; set; }
    [JsonPropertyName("object")] public RawJsonValue? Object { get; set; }
    [JsonPropertyName("oldObject")] public RawJsonValue? OldObject { get; set; }
    [JsonPropertyName("dryRun")] public bool? DryRun { get; set; }
}

using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>The <c>response</c> of an AdmissionReview: the webhook's answer on the wire.</summary>
public sealed class AdmissionResponse
{
    [JsonPropertyName("uid")] public string Uid { get; set; } = "";
    [JsonPropertyName("allowed")] public bool Allowed { get; set; }
    [JsonPropertyName("status")] public AdmissionStatus? Status { get; set; }
    /// <summary>The RFC 6902 patch; on the wire a base64 string, which the serializer encodes straight into the body.</summary>
    [JsonPropertyName("patch")] public byte[]? Patch { get; set; }
    [JsonPropertyName("patchType")] public string? PatchType { get; set; }
    [JsonPropertyName("warnings")] public List<string>? Warnings { get; set; }
}

using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary><c>response.status</c> of a denial: the HTTP-like code, reason and the message the client sees.</summary>
public sealed class AdmissionStatus
{
    [JsonPropertyName("code")] public int? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }
}

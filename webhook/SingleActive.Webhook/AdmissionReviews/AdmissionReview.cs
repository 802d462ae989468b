using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// <c>admission.k8s.io/v1</c> AdmissionReview (also read as <c>v1beta1</c>, answered in kind).
/// KubernetesClient has no admission types: they are not in the OpenAPI document.
/// </summary>
public sealed class AdmissionReview
{
    [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("request")] public AdmissionRequest? Request { get; set; }
    [JsonPropertyName("response")] public AdmissionResponse? Response { get; set; }
}

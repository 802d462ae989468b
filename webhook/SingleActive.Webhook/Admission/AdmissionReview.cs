using System.Text.Json;
using System.Text.Json.Serialization;

namespace SingleActive.Webhook.Admission;

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

public sealed class AdmissionRequest
{
    [JsonPropertyName("uid")] public string? Uid { get; set; }
    [JsonPropertyName("kind")] public GroupVersionKind? Kind { get; set; }
    [JsonPropertyName("resource")] public GroupVersionResource? Resource { get; set; }
    [JsonPropertyName("subResource")] public string? SubResource { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("operation")] public string? Operation { get; set; }
    [JsonPropertyName("object")] public JsonElement? Object { get; set; }
    [JsonPropertyName("oldObject")] public JsonElement? OldObject { get; set; }
    [JsonPropertyName("dryRun")] public bool? DryRun { get; set; }
}

public sealed class GroupVersionKind
{
    [JsonPropertyName("group")] public string? Group { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
}

public sealed class GroupVersionResource
{
    [JsonPropertyName("group")] public string? Group { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("resource")] public string? Resource { get; set; }
}

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

public sealed class AdmissionStatus
{
    [JsonPropertyName("code")] public int? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }
}

using System.Text.Json.Serialization;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>Source-generated (NativeAOT-safe) JSON metadata for the AdmissionReview wire types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdmissionReview))]
public sealed partial class AdmissionJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace SingleActive.Elector.Http;

/// <summary>Source-generated (reflection-free, NativeAOT-safe) JSON for <c>/status</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace SingleActive.Webhook.Patching;

/// <summary>
/// Typed Kubernetes objects as JSON for <see cref="JsonPatchBuilder"/>. Both sides of a diff must come
/// through here: the same serializer makes fields the model drops or normalizes (quantities, unknown
/// fields) identical on both sides, so they produce no operations.
/// </summary>
public static class KubernetesObjectJson
{
    /// <summary>
    /// Whether <paramref name="exception"/> is how KubernetesClient's serializer says a JSON value cannot be read as the
    /// typed model (a value of the wrong type, a malformed quantity or date, a number out of range): a problem of the
    /// input, to be named or passed over, not a bug of ours.
    /// </summary>
    public static bool IsUnreadable(Exception exception) =>
        exception is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException or NotSupportedException;

    /// <summary>
    /// UTF-8 JSON (KubernetesClient's serializer, so the text is what the API client would send) without
    /// <c>metadata.managedFields</c>: they belong to the API server, a patch must never touch them, and their
    /// <c>fieldsV1</c> is an untyped object that KubernetesClient.Aot's source-generated serializer cannot
    /// write at all.
    /// </summary>
    public static byte[] ToUtf8(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is IMetadata<V1ObjectMeta> { Metadata.ManagedFields: not null } withMetadata)
        {
            // Swap in a copy of the metadata for the duration of the call, so the caller's object keeps its own.
            var metadata = withMetadata.Metadata;
            withMetadata.Metadata = metadata with { ManagedFields = null };
            try
            {
                return Serialize(value);
            }
            finally
            {
                withMetadata.Metadata = metadata;
            }
        }

        return Serialize(value);
    }

    /// <summary>As <see cref="ToUtf8"/>, as a tree.</summary>
    public static JsonNode ToNode(object value) => JsonNode.Parse(ToUtf8(value))!;

    private static byte[] Serialize(object value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, SourceGenerationContext.Default.GetTypeInfo(value.GetType())
            ?? throw new NotSupportedException($"KubernetesClient has no JSON contract for {value.GetType().Name}"));
}

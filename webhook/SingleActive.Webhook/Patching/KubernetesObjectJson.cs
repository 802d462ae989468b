using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace SingleActive.Webhook.Patching;

/// <summary>
/// Typed Kubernetes objects as JSON trees for <see cref="JsonPatchBuilder"/>. Both sides of a diff must
/// come through here: the same serializer makes fields the model drops or normalizes (quantities,
/// unknown fields) identical on both sides, so they produce no operations.
/// </summary>
public static class KubernetesObjectJson
{
    /// <summary>
    /// Serializes without <c>metadata.managedFields</c>: they belong to the API server, a patch must never
    /// touch them, and their <c>fieldsV1</c> is an untyped object that KubernetesClient.Aot's source-generated
    /// serializer cannot write at all.
    /// </summary>
    public static JsonNode ToNode(object value) => JsonNode.Parse(ToJson(value))!;

    /// <summary>
    /// The text <see cref="ToNode"/> parses. A caller that needs both the tree and a typed copy reads the
    /// copy from this text: deserializing from a <see cref="JsonNode"/> writes the tree out again first.
    /// </summary>
    public static string ToJson(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is IMetadata<V1ObjectMeta> { Metadata.ManagedFields: not null } withMetadata)
        {
            // Swap in a copy of the metadata for the duration of the call, so the caller's object keeps its own.
            var metadata = withMetadata.Metadata;
            withMetadata.Metadata = metadata with { ManagedFields = null };
            try
            {
                return KubernetesJson.Serialize(value);
            }
            finally
            {
                withMetadata.Metadata = metadata;
            }
        }

        return KubernetesJson.Serialize(value);
    }
}

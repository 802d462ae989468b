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
    /// Why an object could not be read (<see cref="IsUnreadable"/>), in a manifest's terms: the field with the wrong type,
    /// and for an annotation or label (strings) the usual cause, an unquoted YAML value. Without a field to name, the
    /// reader's own message.
    /// </summary>
    public static string UnreadableReason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not JsonException { Path: { Length: > 2 } path } || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return exception.Message;
        }

        // A name with a dot or a slash stands in brackets: $.metadata.annotations['single-active.io/port'].
        var field = path[2..];
        return new[] { "metadata.annotations", "metadata.labels" }.Any(map => field.Contains(map + ".", StringComparison.Ordinal) || field.Contains(map + "[", StringComparison.Ordinal))
            ? $"{field} is not a string: quote its value (YAML reads true, yes or 9000 unquoted as a boolean or a number, and annotations and labels are strings)"
            : $"{field} has a value of the wrong type for that field (the Kubernetes API reference gives each field's type)";
    }

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

using System.Buffers;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Reads <c>request.object</c> as a typed pod, without <c>metadata.managedFields</c>: the patch never
/// touches them, and their untyped <c>fieldsV1</c> makes KubernetesClient's deserializer several times
/// slower for the whole pod (measured: ~135 µs with them, ~20 µs without, for a Deployment's pod).
/// </summary>
public static class PodReader
{
    /// <summary>The pod, or null with <paramref name="problem"/> naming what is wrong with the input.</summary>
    public static V1Pod? Read(JsonElement? element, out string? problem)
    {
        problem = null;
        if (element is not { ValueKind: JsonValueKind.Object } raw)
        {
            problem = "the admission request has no pod in request.object";
            return null;
        }

        if (raw.TryGetProperty("kind", out var kind) && !(kind.ValueKind == JsonValueKind.String && kind.GetString() == "Pod"))
        {
            problem = $"request.object is not a Pod (its kind is {kind.GetRawText()})";
            return null;
        }

        try
        {
            var buffer = new ArrayBufferWriter<byte>(8192);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteWithoutManagedFields(raw, writer);
            }

            // KubernetesClient's own contract (what KubernetesJson uses), read from the span: no stream, no copy.
            var pod = JsonSerializer.Deserialize(buffer.WrittenSpan, SourceGenerationContext.Default.V1Pod);
            if (pod is null)
            {
                problem = "request.object could not be read as a Pod";
            }

            return pod;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // KubernetesClient's converters throw a variety of types on odd input (a number where a
            // quantity string belongs, ...); all of them mean the same thing to the user.
            problem = $"request.object could not be read as a Pod: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// True when the raw pod is plainly not opted in (no <c>single-active</c> annotation, or "false"), so the
    /// common case is answered without reading the whole pod. Anything unusual returns false and goes the full way.
    /// </summary>
    public static bool IsPlainlyNotOptedIn(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } raw
            || (raw.TryGetProperty("kind", out var kind) && !(kind.ValueKind == JsonValueKind.String && kind.ValueEquals("Pod"))))
        {
            return false;
        }

        if (!raw.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object
            || !metadata.TryGetProperty("annotations", out var annotations) || annotations.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (annotations.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (!annotations.TryGetProperty(SingleActive.Contract.Annotations.Enabled, out var value))
        {
            return true;
        }

        return value.ValueKind == JsonValueKind.String
            && OptIn.Read(new Dictionary<string, string>(1) { [SingleActive.Contract.Annotations.Enabled] = value.GetString()! }) == OptInValue.False;
    }

    private static void WriteWithoutManagedFields(JsonElement pod, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var property in pod.EnumerateObject())
        {
            if (property.NameEquals("metadata") && property.Value.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName(property.Name);
                writer.WriteStartObject();
                foreach (var member in property.Value.EnumerateObject())
                {
                    if (!member.NameEquals("managedFields"))
                    {
                        member.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}

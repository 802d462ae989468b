using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Patching;

/// <summary>
/// patch, for the webhook's pods: the RFC 6902 operations that make <see cref="PodEdits"/> to the object the
/// typed pod was read from, written from the typed values through KubernetesClient's serializer (the same
/// contract <see cref="KubernetesObjectJson"/> uses). Every operation is an <c>add</c> of something new at the
/// end (or, for a native sidecar, the front) of a list, or of a member; no element the pod already has is
/// rewritten, so fields the typed model does not know stay as the API server sent them. Proven equal to the
/// diff of the two typed serializations (<see cref="JsonPatchBuilder"/>) by the tests, over the captured
/// reviews and generated pods.
/// </summary>
public static class PodPatchWriter
{
    /// <summary>
    /// <paramref name="pod"/> as it was read, before <see cref="PodRenderer.Apply"/>; <paramref name="electorJson"/>,
    /// when given, is <c>edits.Elector</c> already serialized through the same contract (<see cref="ElectorJsonCache"/>).
    /// </summary>
    public static byte[] Write(V1Pod pod, PodEdits edits, ReadOnlyMemory<byte> electorJson = default)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(edits);
        if (electorJson.IsEmpty)
        {
            electorJson = JsonSerializer.SerializeToUtf8Bytes(edits.Elector, SourceGenerationContext.Default.V1Container);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            WriteOperations(w, pod, edits, electorJson.Span);
            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOperations(Utf8JsonWriter w, V1Pod pod, PodEdits edits, ReadOnlySpan<byte> electorJson)
    {
        var spec = pod.Spec;
        if (spec is null)
        {
            AddEmptyObject(w, "/spec");
        }

        var apps = spec?.Containers ?? [];
        foreach (var i in edits.StatusUrlContainers)
        {
            var env = "/spec/containers/" + i.ToString(CultureInfo.InvariantCulture) + "/env";
            AddToList(w, env, apps[i].Env is not null, atFront: false, edits.StatusUrl, SourceGenerationContext.Default.V1EnvVar);
        }

        if (edits.ElectorFirst)
        {
            AddToList(w, "/spec/initContainers", spec?.InitContainers is not null, atFront: true, electorJson);
        }
        else
        {
            AddToList(w, "/spec/containers", spec?.Containers is not null, atFront: false, electorJson);
        }

        AddToList(w, "/spec/volumes", spec?.Volumes is not null, atFront: false, edits.TokenVolume, SourceGenerationContext.Default.V1Volume);

        if (edits.ServiceAccountName is { } account)
        {
            Add(w, "/spec/serviceAccountName", account);
            if (spec?.ServiceAccount is not null)
            {
                Add(w, "/spec/serviceAccount", account);
            }
        }

        if (pod.Metadata is null)
        {
            AddEmptyObject(w, "/metadata");
        }

        if (pod.Metadata?.Annotations is null)
        {
            w.WriteStartObject();
            w.WriteString("op", "add");
            w.WriteString("path", "/metadata/annotations");
            w.WritePropertyName("value");
            w.WriteStartObject();
            w.WriteString(Annotations.Status, edits.StatusAnnotation);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else
        {
            Add(w, "/metadata/annotations/" + JsonPatchBuilder.EscapePointerToken(Annotations.Status), edits.StatusAnnotation);
        }
    }

    /// <summary>The whole list when the pod has none; otherwise one element, at the front or the end.</summary>
    private static void AddToList<T>(Utf8JsonWriter w, string path, bool exists, bool atFront, T item, JsonTypeInfo<T> contract)
    {
        if (!exists)
        {
            w.WriteStartObject();
            w.WriteString("op", "add");
            w.WriteString("path", path);
            w.WritePropertyName("value");
            w.WriteStartArray();
            JsonSerializer.Serialize(w, item, contract);
            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }

        Add(w, path + (atFront ? "/0" : "/-"), item, contract);
    }

    /// <summary>As the other overload, for a value already serialized.</summary>
    private static void AddToList(Utf8JsonWriter w, string path, bool exists, bool atFront, ReadOnlySpan<byte> itemJson)
    {
        w.WriteStartObject();
        w.WriteString("op", "add");
        w.WriteString("path", exists ? path + (atFront ? "/0" : "/-") : path);
        w.WritePropertyName("value");
        if (exists)
        {
            w.WriteRawValue(itemJson, skipInputValidation: true);
        }
        else
        {
            w.WriteStartArray();
            w.WriteRawValue(itemJson, skipInputValidation: true);
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Add<T>(Utf8JsonWriter w, string path, T value, JsonTypeInfo<T> contract)
    {
        w.WriteStartObject();
        w.WriteString("op", "add");
        w.WriteString("path", path);
        w.WritePropertyName("value");
        JsonSerializer.Serialize(w, value, contract);
        w.WriteEndObject();
    }

    private static void AddEmptyObject(Utf8JsonWriter w, string path)
    {
        w.WriteStartObject();
        w.WriteString("op", "add");
        w.WriteString("path", path);
        w.WritePropertyName("value");
        w.WriteStartObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Add(Utf8JsonWriter w, string path, string value)
    {
        w.WriteStartObject();
        w.WriteString("op", "add");
        w.WriteString("path", path);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}

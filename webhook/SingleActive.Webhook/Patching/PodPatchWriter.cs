using System.Buffers;
using System.Globalization;
using System.Text.Json;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Patching;

/// <summary>
/// patch, for the webhook's pods: the RFC 6902 operations that make <see cref="PodEdits"/> to the object the
/// typed pod was read from, written from the typed values through KubernetesClient's serializer (the same
/// contract <see cref="KubernetesObjectJson"/> uses). Every operation is an <c>add</c> of something new at the
/// end (or, for a native sidecar, the front) of a list, or of a member; no element the pod already has is
/// rewritten, so fields the typed model does not know stay as the API server sent them. Held to the diff of
/// the pod's two typed serializations (<see cref="JsonPatchBuilder"/>) by <c>PodPatchWriterTests</c>, over the
/// captured reviews, generated pods and unusual shapes.
/// </summary>
public static class PodPatchWriter
{
    /// <summary>
    /// <paramref name="pod"/> as it was read, before <see cref="PodRenderer.Apply"/>; <paramref name="json"/> is what
    /// <paramref name="edits"/> adds serialized through the same contract (<see cref="RenderedJsonCache"/>).
    /// </summary>
    public static byte[] Write(V1Pod pod, PodEdits edits, RenderedJson json)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(json);

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            WriteOperations(w, pod, edits, json);
            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOperations(Utf8JsonWriter w, V1Pod pod, PodEdits edits, RenderedJson json)
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
            AddToList(w, env, apps[i].Env is not null, atFront: false, json.StatusUrl);
        }

        if (edits.ElectorFirst)
        {
            AddToList(w, "/spec/initContainers", spec?.InitContainers is not null, atFront: true, json.Elector);
        }
        else
        {
            AddToList(w, "/spec/containers", spec?.Containers is not null, atFront: false, json.Elector);
        }

        AddToList(w, "/spec/volumes", spec?.Volumes is not null, atFront: false, json.TokenVolume);
        AddPullSecrets(w, spec?.ImagePullSecrets is not null, edits.ImagePullSecrets);

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
            StartAdd(w, "/metadata/annotations");
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
    private static void AddToList(Utf8JsonWriter w, string path, bool exists, bool atFront, ReadOnlySpan<byte> itemJson)
    {
        StartAdd(w, exists ? path + (atFront ? "/0" : "/-") : path);
        if (!exists)
        {
            w.WriteStartArray();
        }

        w.WriteRawValue(itemJson, skipInputValidation: true);
        if (!exists)
        {
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary><c>{"name":…}</c> references: each at the end of the pod's list, or the whole list when it has none.</summary>
    private static void AddPullSecrets(Utf8JsonWriter w, bool exists, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        if (!exists)
        {
            StartAdd(w, "/spec/imagePullSecrets");
            w.WriteStartArray();
            foreach (var name in names)
            {
                WriteReference(w, name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }

        foreach (var name in names)
        {
            StartAdd(w, "/spec/imagePullSecrets/-");
            WriteReference(w, name);
            w.WriteEndObject();
        }

        static void WriteReference(Utf8JsonWriter w, string name)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteEndObject();
        }
    }

    private static void AddEmptyObject(Utf8JsonWriter w, string path)
    {
        StartAdd(w, path);
        w.WriteStartObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Add(Utf8JsonWriter w, string path, string value)
    {
        StartAdd(w, path);
        w.WriteStringValue(value);
        w.WriteEndObject();
    }

    /// <summary>Opens <c>{"op":"add","path":…,"value":</c>; the caller writes the value and closes the object.</summary>
    private static void StartAdd(Utf8JsonWriter w, string path)
    {
        w.WriteStartObject();
        w.WriteString("op", "add");
        w.WriteString("path", path);
        w.WritePropertyName("value");
    }
}

using System.Text.Json;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>The webhook's single-active.io/status annotation on a pod (a JSON object), as the plugin reads it.</summary>
public static class PodInjectionStatus
{
    /// <summary>The annotation's object; null when absent, not JSON, or not an object (then not the webhook's).</summary>
    public static JsonElement? StatusOf(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Metadata?.Annotations is not { } annotations || !annotations.TryGetValue(Annotations.Status, out var text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The string member <paramref name="name"/> of a status from <see cref="StatusOf"/>; null when absent or not a string.</summary>
    public static string? Text(JsonElement status, string name) =>
        status.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

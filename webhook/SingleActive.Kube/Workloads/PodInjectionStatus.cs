using System.Text.Json;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kubectl.Doctor;

/// <summary>The webhook's single-active.io/status annotation on a pod, as the checks read it; null when absent or unreadable.</summary>
internal static class PodInjectionStatus
{
    public static JsonElement? StatusOf(V1Pod pod)
    {
        if (pod.Metadata?.Annotations is not { } annotations || !annotations.TryGetValue(Annotations.Status, out var text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

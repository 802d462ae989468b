using System.Text.Json.Nodes;

namespace SingleActive.Elector.Election;

/// <summary>An object's controller (the ownerReference with <c>controller: true</c>): its kind and name.</summary>
public sealed record PodOwner(string Kind, string Name)
{
    /// <summary>The controller named in <paramref name="metadata"/>'s ownerReferences; <c>null</c> when there is none.</summary>
    public static PodOwner? ControllerOf(JsonNode? metadata) =>
        (metadata?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(o => o["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController)
            .Select(o => o["kind"] is JsonValue k && k.TryGetValue<string>(out var kind) && o["name"] is JsonValue n && n.TryGetValue<string>(out var name) ? new PodOwner(kind, name) : null)
            .FirstOrDefault(o => o is not null);
}

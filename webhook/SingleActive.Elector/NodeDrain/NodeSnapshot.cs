using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.NodeDrain;

/// <summary>What the elector reads of a Node: whether it is cordoned, and its taints.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Unschedulable"><c>spec.unschedulable</c>: set by <c>kubectl cordon</c> and <c>kubectl drain</c> before any eviction.</param>
/// <param name="Taints"><c>spec.taints</c>.</param>
/// <param name="Removed">A <c>DELETED</c> watch event: the Node object is gone.</param>
public sealed record NodeSnapshot(string Name, bool Unschedulable, IReadOnlyList<NodeTaint> Taints, bool Removed = false)
{
    /// <summary>Reads a core/v1 Node object.</summary>
    public static NodeSnapshot From(JsonObject node, bool removed)
    {
        ArgumentNullException.ThrowIfNull(node);
        var spec = node["spec"] as JsonObject;
        var taints = (spec?["taints"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(t => new NodeTaint(JsonFields.Text(t["key"]) ?? string.Empty, JsonFields.Text(t["value"]), JsonFields.Text(t["effect"])))
            .Where(t => t.Key.Length > 0)
            .ToList();
        var unschedulable = spec?["unschedulable"] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
        return new NodeSnapshot(JsonFields.Text(node["metadata"]?["name"]) ?? string.Empty, unschedulable, taints, removed);
    }
}

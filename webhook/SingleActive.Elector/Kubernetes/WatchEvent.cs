using System.Text.Json.Nodes;

namespace SingleActive.Elector.Kubernetes;

/// <summary>One event of a watch as the API server sends it: <c>ADDED</c>, <c>MODIFIED</c> or <c>DELETED</c>, and the object (for <c>DELETED</c>, its last state).</summary>
public readonly record struct WatchEvent(string Type, JsonObject? Object)
{
    public bool IsDeleted => Type == "DELETED";
}

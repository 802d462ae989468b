namespace SingleActive.Elector.NodeDrain;

/// <summary>One of a node's <c>spec.taints</c>.</summary>
public sealed record NodeTaint(string Key, string? Value, string? Effect)
{
    public override string ToString() => $"{Key}{(string.IsNullOrEmpty(Value) ? "" : "=" + Value)}{(string.IsNullOrEmpty(Effect) ? "" : ":" + Effect)}";
}

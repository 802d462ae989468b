using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.Core.Leases;

/// <summary>
/// The operator's annotations on the Lease (<c>kubectl single-active handover|pause</c>) and the outcome the electors
/// record: a directed-handover request, the pause, and the last handover.
/// </summary>
/// <param name="PreferredHolder"><see cref="Annotations.PreferredHolder"/>: a pod name, <see cref="Annotations.AnyHolder"/>, or null.</param>
/// <param name="Paused"><see cref="Annotations.Paused"/> read as <see cref="FailoverPause.IsPaused"/>.</param>
/// <param name="LastHandover"><see cref="Annotations.LastHandover"/>, when it parses.</param>
public sealed record LeaseControls(string? PreferredHolder = null, bool Paused = false, HandoverRecord? LastHandover = null)
{
    public static readonly LeaseControls None = new();

    /// <summary>A released Lease handed to <see cref="PreferredHolder"/> that it has not taken yet.</summary>
    public bool HandoverInProgress => LastHandover?.Outcome == HandoverOutcome.InProgress && PreferredHolder is { Length: > 0 } && PreferredHolder != Annotations.AnyHolder;

    public static LeaseControls FromAnnotations(JsonObject? annotations)
    {
        var preferred = Text(annotations, Annotations.PreferredHolder)?.Trim();
        return new LeaseControls(
            string.IsNullOrEmpty(preferred) ? null : preferred,
            FailoverPause.IsPaused(Text(annotations, Annotations.Paused)),
            HandoverRecord.Parse(Text(annotations, Annotations.LastHandover)));
    }

    /// <summary>
    /// Writes what the electors own: the request (removed once handled) and the last handover. The pause is the
    /// operator's alone and is left as it was read (a replace starts from the object read at that resourceVersion).
    /// </summary>
    public void WriteTo(JsonObject metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var annotations = metadata["annotations"] as JsonObject;
        if (PreferredHolder is { Length: > 0 } preferred)
        {
            annotations ??= [];
            annotations[Annotations.PreferredHolder] = preferred;
        }
        else
        {
            annotations?.Remove(Annotations.PreferredHolder);
        }

        if (LastHandover is { } last)
        {
            annotations ??= [];
            annotations[Annotations.LastHandover] = last.ToJson();
        }

        if (annotations is not null)
        {
            metadata["annotations"] = annotations;
        }
    }

    private static string? Text(JsonObject? annotations, string key) =>
        annotations?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SingleActive.Contract;

/// <summary>
/// The <see cref="Annotations.LastHandover"/> annotation on a Lease: the last directed handover, written by the
/// electors (the leader when it refuses or starts one, the replica that takes the Lease when it ends) and read by
/// <c>kubectl single-active</c>. Compact JSON, e.g.
/// <c>{"requested":"any","target":"web-1","from":"web-0","outcome":"done","reason":"web-1 took the Lease","at":"2026-11-30T10:00:00.123Z"}</c>.
/// </summary>
/// <param name="Requested">The request as written: a pod name or <see cref="Annotations.AnyHolder"/>.</param>
/// <param name="Target">The pod chosen to take the Lease; null when refused before one was chosen.</param>
/// <param name="From">The leader when the request was handled.</param>
/// <param name="Reason">Why (a refusal's reason), or what happened, in words for people.</param>
/// <param name="At">When it was written (the writer's wall clock: informational, like the Lease's renewTime).</param>
public sealed record HandoverRecord(string Requested, string? Target, string? From, HandoverOutcome Outcome, string Reason, DateTimeOffset At)
{
    /// <summary>The outcome as written in the JSON: <c>in-progress</c>, <c>done</c>, <c>refused</c>, <c>failed</c>.</summary>
    public static string Format(HandoverOutcome outcome) => outcome switch
    {
        HandoverOutcome.InProgress => "in-progress",
        HandoverOutcome.Done => "done",
        HandoverOutcome.Refused => "refused",
        _ => "failed",
    };

    /// <summary>Written by hand so NativeAOT needs no serializer metadata.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("requested", Requested);
            if (Target is not null)
            {
                writer.WriteString("target", Target);
            }

            if (From is not null)
            {
                writer.WriteString("from", From);
            }

            writer.WriteString("outcome", Format(Outcome));
            writer.WriteString("reason", Reason);
            writer.WriteString("at", At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The record, or null when <paramref name="json"/> is absent or not one (someone edited the annotation).</summary>
    public static HandoverRecord? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "requested") is not { } requested
                || Text(root, "outcome") is not { } outcomeText
                || ParseOutcome(outcomeText) is not { } outcome
                || !DateTimeOffset.TryParse(Text(root, "at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return null;
            }

            return new HandoverRecord(requested, Text(root, "target"), Text(root, "from"), outcome, Text(root, "reason") ?? "", at);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HandoverOutcome? ParseOutcome(string text) => text switch
    {
        "in-progress" => HandoverOutcome.InProgress,
        "done" => HandoverOutcome.Done,
        "refused" => HandoverOutcome.Refused,
        "failed" => HandoverOutcome.Failed,
        _ => null,
    };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

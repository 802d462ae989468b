using SingleActive.Contract;

namespace SingleActive.Webhook.Injection;

/// <summary>Reads the <c>single-active</c> opt-in annotation and words the denial of a value that is neither.</summary>
public static class OptIn
{
    public const string AcceptedValues = "\"true\" or \"false\"";

    /// <summary>Reads <c>single-active</c> from annotations; "true"/"false" case-insensitively, anything else is invalid.</summary>
    public static OptInValue Read(IDictionary<string, string>? annotations)
    {
        if (annotations is null || !annotations.TryGetValue(Annotations.Enabled, out var raw))
        {
            return OptInValue.Absent;
        }

        var value = raw?.Trim();
        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return OptInValue.True;
        }

        return string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) ? OptInValue.False : OptInValue.Invalid;
    }

    /// <summary>The denial message for an invalid value: names the annotation and the accepted values.</summary>
    public static string InvalidMessage(string? value, string objectDescription) =>
        $"annotation \"{Annotations.Enabled}\" on {objectDescription} has the value \"{value}\"; accepted values are {AcceptedValues} (case-insensitive). " +
        "An ambiguous opt-in is refused so that a workload meant to be single-active never runs without the elector.";
}

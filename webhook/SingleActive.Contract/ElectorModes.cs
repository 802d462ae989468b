namespace SingleActive.Contract;

/// <summary>The textual form of <see cref="ElectorMode"/> in annotations, env and the status annotation.</summary>
public static class ElectorModes
{
    public const string AcceptedValues = "\"readiness\" or \"label\"";

    public static string Format(ElectorMode mode) => mode == ElectorMode.Label ? "label" : "readiness";

    public static bool TryParse(string? text, out ElectorMode mode)
    {
        var value = text?.Trim();
        if (string.Equals(value, "readiness", StringComparison.OrdinalIgnoreCase))
        {
            mode = ElectorMode.Readiness;
            return true;
        }

        mode = ElectorMode.Label;
        return string.Equals(value, "label", StringComparison.OrdinalIgnoreCase);
    }
}

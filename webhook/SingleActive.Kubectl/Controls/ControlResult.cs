namespace SingleActive.Kubectl.Controls;

/// <summary>What a control command prints: on stdout when it succeeded, as <c>error: …</c> on stderr (exit code 1) when not.</summary>
public sealed record ControlResult(bool Succeeded, string Message)
{
    public static ControlResult Done(string message) => new(true, message);

    public static ControlResult Failed(string message) => new(false, message);
}

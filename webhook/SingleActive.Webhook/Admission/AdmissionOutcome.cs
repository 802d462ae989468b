
namespace SingleActive.Webhook.Admission;

/// <summary>
/// What a handler decided, before the server turns it into an AdmissionResponse.
/// <paramref name="Decision"/> is a short stable label used for metrics and logs
/// (see <see cref="Decisions"/>); <paramref name="Patch"/> is an RFC 6902 JSON array in UTF-8, or null.
/// </summary>
public sealed record AdmissionOutcome(
    bool Allowed,
    string Decision,
    string? Message = null,
    byte[]? Patch = null,
    IReadOnlyList<string>? Warnings = null)
{
    public static AdmissionOutcome Allow(string decision, IReadOnlyList<string>? warnings = null) =>
        new(true, decision, Warnings: warnings);

    public static AdmissionOutcome Deny(string message) => new(false, Decisions.Denied, message);
}

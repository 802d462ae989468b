namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Outcome of reconciling the workload's <c>single-active</c> annotation with its pod template's.
/// <paramref name="Denial"/> is set for an invalid value; <paramref name="Notice"/> tells the user what was
/// changed in the template (it becomes an admission warning).
/// </summary>
public sealed record TemplateOptInResult(bool TemplateOptedIn, string? Denial = null, string? Notice = null)
{
    public static TemplateOptInResult Denied(string message) => new(false, Denial: message);
}

using SingleActive.Contract;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// The result of <see cref="WorkloadMutator"/>: denied with a message, or allowed with the typed object
/// changed in place (possibly not at all) and the warnings to return.
/// </summary>
/// <param name="Mode">The template's mode when it opts in; null otherwise.</param>
/// <param name="ServiceAccount">Set when the template was injected (offline only): the account it needs.</param>
public sealed record WorkloadMutation(
    string? Denial,
    bool OptedIn,
    ElectorMode? Mode,
    IReadOnlyList<string> Warnings,
    ServiceAccountRequest? ServiceAccount = null)
{
    public bool Allowed => Denial is null;

    public static WorkloadMutation Denied(string message) => new(message, false, null, []);
}

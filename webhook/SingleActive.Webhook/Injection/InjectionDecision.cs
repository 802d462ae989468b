namespace SingleActive.Webhook.Injection;

/// <summary>
/// The outcome of <see cref="InjectionDecider.Decide"/>; <paramref name="Message"/> is the reason for Skip and Deny,
/// <paramref name="Warning"/> what a Skip tells the client (a pod that opted in but must not be patched).
/// </summary>
public readonly record struct InjectionDecision(InjectionDecisionKind Kind, string? Message = null, string? Warning = null)
{
    public static InjectionDecision Inject => new(InjectionDecisionKind.Inject);

    public static InjectionDecision AlreadyInjected => new(InjectionDecisionKind.AlreadyInjected);

    public static InjectionDecision Skip(string reason, string? warning = null) => new(InjectionDecisionKind.Skip, reason, warning);

    public static InjectionDecision Deny(string message) => new(InjectionDecisionKind.Deny, message);
}

namespace SingleActive.Webhook.Injection;

/// <summary>The outcome of <see cref="InjectionDecider.Decide"/>; <paramref name="Message"/> is the reason for Skip and Deny.</summary>
public readonly record struct InjectionDecision(InjectionDecisionKind Kind, string? Message = null)
{
    public static InjectionDecision Inject => new(InjectionDecisionKind.Inject);

    public static InjectionDecision AlreadyInjected => new(InjectionDecisionKind.AlreadyInjected);

    public static InjectionDecision Skip(string reason) => new(InjectionDecisionKind.Skip, reason);

    public static InjectionDecision Deny(string message) => new(InjectionDecisionKind.Deny, message);
}

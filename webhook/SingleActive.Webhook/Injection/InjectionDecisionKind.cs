namespace SingleActive.Webhook.Injection;

public enum InjectionDecisionKind
{
    Inject,
    Skip,
    AlreadyInjected,
    Deny,
}

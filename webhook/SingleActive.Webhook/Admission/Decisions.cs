namespace SingleActive.Webhook.Admission;

/// <summary>The short stable labels of a handler's answer, used in metrics and logs.</summary>
public static class Decisions
{
    public const string Injected = "injected";
    public const string Skipped = "skipped";
    public const string AlreadyInjected = "already-injected";
    public const string Mutated = "mutated";

    /// <summary>Allowed unchanged with warnings about the single-active workloads the object affects (a Service, a PodDisruptionBudget, a NetworkPolicy).</summary>
    public const string Advised = "advised";

    public const string Denied = "denied";
    public const string Error = "error";
}

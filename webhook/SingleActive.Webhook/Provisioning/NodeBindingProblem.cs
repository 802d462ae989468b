namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// Why an elector ServiceAccount could not be made a subject of the ClusterRoleBinding that lets electors read their
/// node (<c>single-active-elector-node</c>). The pod is admitted anyway: it works, only drain-aware handover is off for
/// it. A warning, and <see cref="MetricResult"/> as the provisioning metric's result.
/// </summary>
/// <param name="MetricResult">One of <see cref="Missing"/>, <see cref="Forbidden"/>, <see cref="WrongRole"/>.</param>
/// <param name="Message">What is wrong, what it costs and the fix.</param>
public sealed record NodeBindingProblem(string MetricResult, string Message)
{
    /// <summary>The binding does not exist: deploy/ was not upgraded with the webhook.</summary>
    public const string Missing = "node-binding-missing";

    /// <summary>The webhook may not get or update the binding: its ClusterRole was not upgraded.</summary>
    public const string Forbidden = "node-binding-forbidden";

    /// <summary>A binding of that name refers to another role; the webhook never adds subjects to it.</summary>
    public const string WrongRole = "node-binding-wrong-role";
}

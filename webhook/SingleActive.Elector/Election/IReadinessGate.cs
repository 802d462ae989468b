namespace SingleActive.Elector.Election;

/// <summary>
/// Holds a new term's readiness back until something outside the election is done: in readiness
/// mode, the previous holder's pod marked not ready through the API server (see
/// <c>Kubernetes.LeadershipReporter</c>), so the Service never has two endpoints.
/// </summary>
public interface IReadinessGate
{
    /// <summary>The term with this epoch (its <c>leaseTransitions</c>) may answer <c>/readyz</c> 200.</summary>
    bool IsOpen(int epoch);
}

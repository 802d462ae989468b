namespace SingleActive.Elector.Election;

/// <summary>
/// What directed handovers, the pause and planned handovers need from outside the election: the replicas' pods, a
/// place to report, and (when it can read its node and workload) the planner of handovers before drains and rollouts.
/// </summary>
public sealed record OperatorSupport(ICandidatePods Pods, IOperatorObserver Observer, Succession.SuccessionPlanner? Planner = null);

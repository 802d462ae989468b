namespace SingleActive.Elector.Election;

/// <summary>What directed handovers and the pause need from outside the election: the replicas' pods and a place to report.</summary>
public sealed record OperatorSupport(ICandidatePods Pods, IOperatorObserver Observer);

namespace SingleActive.Kube.Workloads;

/// <summary>A Service through which clients reach a workload's standbys: one publishing not-ready addresses in readiness mode (<see cref="NotReadyAddressAdvisor"/>), one not selecting the leader label in label mode (<see cref="LeaderSelectorAdvisor"/>).</summary>
/// <param name="Service">The Service's name.</param>
/// <param name="Headless">It has no cluster IP (<c>clusterIP: None</c>): DNS answers with the pods themselves, which peers
/// may need (per-pod names, peer discovery); only clients that resolve its name are at risk.</param>
/// <param name="Problem">What is wrong, naming the Service and the workload.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record StandbyExposure(string Service, bool Headless, string Problem, string Fix);

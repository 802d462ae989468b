namespace SingleActive.Kube.Workloads;

/// <summary>A Service through which clients reach a readiness-mode workload's standbys (<see cref="NotReadyAddressAdvisor"/>).</summary>
/// <param name="Service">The Service's name.</param>
/// <param name="Governing">It is the StatefulSet's governing Service (<c>spec.serviceName</c>): its per-pod DNS names are what it is for.</param>
/// <param name="Problem">What is wrong, naming the Service and the workload.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record StandbyExposure(string Service, bool Governing, string Problem, string Fix);

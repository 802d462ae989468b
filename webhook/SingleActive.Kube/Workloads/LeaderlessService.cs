namespace SingleActive.Kube.Workloads;

/// <summary>
/// A Service that would select a readiness-mode workload's pods but for the leader label it asks for, which those pods
/// never carry (<see cref="RoleSelectorAdvisor"/>): it has no endpoint from the workload.
/// </summary>
/// <param name="Service">The Service's name.</param>
/// <param name="Problem">What is wrong, naming the Service and the workload.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record LeaderlessService(string Service, string Problem, string Fix);

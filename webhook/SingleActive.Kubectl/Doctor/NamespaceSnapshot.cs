using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Doctor;

/// <summary>One namespace's part of a <see cref="ClusterSnapshot"/>.</summary>
/// <param name="Leases">The namespace's Leases (the workloads' and any other); empty when the user may not list them.</param>
/// <param name="NetworkPolicies">The namespace's NetworkPolicies; empty when the user may not list them (<see cref="RefusedReads"/> says so).</param>
public sealed record NamespaceSnapshot(
    string Name,
    IReadOnlyList<V1RoleBinding> RoleBindings,
    IReadOnlyList<V1PodDisruptionBudget> Budgets,
    IReadOnlyList<V1Service> Services,
    IReadOnlyList<(SingleActiveWorkload Workload, IReadOnlyList<V1Pod> Pods)> Workloads,
    IReadOnlyList<V1Lease> Leases,
    IReadOnlyList<V1NetworkPolicy> NetworkPolicies);

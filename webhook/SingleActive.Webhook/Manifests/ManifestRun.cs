using k8s.Models;
using SingleActive.Kube.NetworkPolicies;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// What one <see cref="ManifestInjector.Inject"/> collects over the documents of a manifest: the accounts to bind, the
/// warnings and errors, and what the advice needs once every document has been read (the workloads, and the Services,
/// budgets and NetworkPolicies next to them), so the order of the documents does not matter.
/// </summary>
internal sealed class ManifestRun
{
    public List<ServiceAccountRequest> Accounts { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<string> Errors { get; } = [];

    /// <summary>The opted-in Deployments and StatefulSets, as injected, each with the label of its document.</summary>
    public List<(string Label, SingleActiveWorkload Workload)> Workloads { get; } = [];

    /// <summary>Services and PodDisruptionBudgets: the advice each gives about a workload (as the webhook's <see cref="WorkloadAdviceHandler"/>).</summary>
    public List<(string Label, string? Namespace, Func<SingleActiveWorkload, IReadOnlyList<string>> Advise)> Selecting { get; } = [];

    /// <summary>The manifest's NetworkPolicies, with the namespace each is applied to (of two of one name there, the later).</summary>
    public List<(string? Namespace, V1NetworkPolicy Policy)> Policies { get; } = [];

    /// <summary>
    /// Warns about every Service and budget of the manifest that reaches a workload's standbys or blocks its drains, and
    /// about every workload whose electors the manifest's NetworkPolicies of its namespace cut off from the Kubernetes
    /// API (<see cref="ElectorEgressAdvisor"/>; offline, the policies already in the cluster are not known).
    /// </summary>
    public void Advise()
    {
        foreach (var (label, ns, advise) in Selecting)
        {
            foreach (var (_, workload) in Workloads.Where(w => SameNamespace(w.Workload.Workload.Namespace, ns)))
            {
                Warnings.AddRange(advise(workload).Select(w => $"{label}: {w}"));
            }
        }

        // Without a namespace (none in the document, no --namespace) nothing says which policies select it.
        foreach (var (label, workload) in Workloads.Where(w => !string.IsNullOrEmpty(w.Workload.Workload.Namespace)))
        {
            var policies = Policies.Where(p => SameNamespace(p.Namespace, workload.Workload.Namespace)).Select(p => p.Policy).ToList();
            if (policies.Count > 0 && ElectorEgressAdvisor.Advise(policies, workload.Workload) is { } warning)
            {
                Warnings.Add($"{label}: {warning}");
            }
        }
    }

    /// <summary>A NetworkPolicy of the manifest; applied after another of the same name and namespace, it replaces it.</summary>
    public void AddPolicy(string? ns, V1NetworkPolicy policy)
    {
        Policies.RemoveAll(p => SameNamespace(p.Namespace, ns) && p.Policy.Metadata?.Name is { } name && name == policy.Metadata?.Name);
        Policies.Add((ns, policy));
    }

    /// <summary>The RoleBinding must name the account's namespace, which only the manifest or the --namespace flag can tell.</summary>
    public void AddAccount(ServiceAccountRequest account, string label)
    {
        if (string.IsNullOrEmpty(account.Namespace))
        {
            Errors.Add($"{label}: has no namespace, and the RoleBinding for its elector must name the ServiceAccount's namespace; " +
                "set metadata.namespace or pass --namespace NS (the namespace you apply it to)");
            return;
        }

        Accounts.Add(account);
    }

    private static bool SameNamespace(string? a, string? b) => string.Equals(a ?? "", b ?? "", StringComparison.Ordinal);
}

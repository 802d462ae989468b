using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kube.NetworkPolicies;

/// <summary>
/// Warns, when a single-active workload is written, about the NetworkPolicies of its namespace that would cut its
/// electors off from the Kubernetes API (<see cref="NetworkPolicyRules"/>): policies that isolate the egress of the pods
/// its template makes and let no TCP out on the API's ports. Where the CNI enforces them no elector reads its Lease,
/// so none leads. Where the API server is, admission does not ask: a rule reaching any address outside the pod network
/// on one of <see cref="ApiPorts"/> is taken to reach it, so what is left holds by the API's rules (a default deny
/// with DNS only, say), short of an API server on another port.
/// </summary>
public static class ElectorEgressAdvisor
{
    /// <summary>The kubernetes Service's port and the API server's own port behind it on kubeadm, k3s, kind and OpenShift.</summary>
    public static readonly IReadOnlyList<int> ApiPorts = [443, 6443];

    public static string? Advise(IEnumerable<V1NetworkPolicy> policies, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(workload);
        if (workload.Template.Spec?.HostNetwork == true)
        {
            return null; // NetworkPolicy does not apply to pods on the node's network.
        }

        var isolating = NetworkPolicyRules.IsolatingEgress(policies, workload.Template.Metadata?.Labels);
        if (isolating.Count == 0 || NetworkPolicyRules.AllowsTcpOutsideThePodNetwork(isolating, ApiPorts))
        {
            return null;
        }

        return $"single-active: the egress of the pods of {workload.Description} is isolated by {NetworkPolicyRules.Describe(isolating)}, with no rule letting TCP out on port 443 or 6443 " +
            "to an address outside the pod network: unless your API server listens on another port, where the CNI enforces NetworkPolicy no elector reaches the Kubernetes API " +
            $"to read its Lease, so none leads. Fix: kubectl apply -n {workload.Namespace} -f deploy/examples/networkpolicy-electors-egress.yaml with its podSelector set to the pods' labels " +
            "(docs/install.md, \"Where NetworkPolicy denies by default\").";
    }
}

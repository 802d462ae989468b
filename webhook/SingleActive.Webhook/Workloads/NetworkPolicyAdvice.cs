using System.Text.Json;
using k8s;
using k8s.Models;
using SingleActive.Kube.NetworkPolicies;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Patching;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// The advice on a NetworkPolicy written after the workloads of its namespace (<see cref="WorkloadAdviceHandler"/>): the
/// single-active workloads whose electors this write cuts off from the Kubernetes API (<see cref="ElectorEgressAdvisor"/>).
/// Policies add up, so the write is judged with the namespace's others: the namespace as listed, this policy put in as
/// written, against the same namespace with it as stored before (or without it); only a workload cut off by the write,
/// not already before it, is named. Such a write often lands while the workloads run: their electors keep the
/// connections they have (a connection-tracking dataplane lets established ones through) and lose the API at the next
/// one they open. A DELETE is judged the same way, the namespace with the policy against it without: removing the
/// policy that let the electors out next to a default deny names the workloads it leaves cut off (the deletion is not
/// stopped: a warning is all an admission answer can add to it). Ingress-only writes (most policies) list nothing. Not
/// advised: a deny followed by its allow in one apply warns for the deny.
/// </summary>
public sealed class NetworkPolicyAdvice(IWorkloadLookup workloads, INetworkPolicyLookup policies)
{
    public const string Kind = "NetworkPolicy";

    /// <summary>
    /// The warnings for the write in <paramref name="request"/> (a CREATE, UPDATE or DELETE), one per workload it cuts
    /// off; empty when there is none (or the write changes nothing the advice reads), null when the namespace could not
    /// be listed. A DELETE's policy is its <c>request.oldObject</c> (the API server sends it since 1.15; <c>object</c> is null).
    /// </summary>
    public async Task<IReadOnlyList<(SingleActiveWorkload Workload, string Warning)>?> AdviseAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deleting = request.Operation == "DELETE";
        var written = deleting ? null : Read(request.Object, request.Namespace);
        var stored = request.Operation is "UPDATE" or "DELETE" ? ReadOld(request) : null;
        if ((deleting ? stored : written) is not { } policy)
        {
            return []; // Nothing written, or nothing left to delete (unreadable, or being deleted already).
        }

        if (stored is not null && written is not null && Input(stored) == Input(written))
        {
            return []; // Labels, annotations, ingress: the electors' egress is as it was.
        }

        if (!AppliesToEgress(written) && !AppliesToEgress(stored))
        {
            return []; // Ingress only, as most policies are: it cannot cut an elector off, so nothing is listed.
        }

        var listingWorkloads = workloads.ListAsync(request.Namespace!, cancellationToken);
        var listingPolicies = policies.ListAsync(request.Namespace!, cancellationToken);
        await Task.WhenAll(listingWorkloads, listingPolicies).ConfigureAwait(false);
        if (await listingWorkloads.ConfigureAwait(false) is not { } found || await listingPolicies.ConfigureAwait(false) is not { } listed)
        {
            return null; // logged by the lookup
        }

        var others = listed.Where(p => p.Metadata?.Name != policy.Metadata.Name).ToList();
        List<V1NetworkPolicy> before = stored is null ? others : [.. others, stored];
        List<V1NetworkPolicy> after = written is null ? others : [.. others, written];
        return [.. found
            .Where(w => ElectorEgressAdvisor.Advise(before, w.Workload) is null)
            .Select(w => (Workload: w, Warning: ElectorEgressAdvisor.Advise(after, w.Workload)))
            .Where(a => a.Warning is not null)
            .Select(a => (a.Workload, a.Warning!))];
    }

    private static bool AppliesToEgress(V1NetworkPolicy? policy) => policy is not null && NetworkPolicyRules.AppliesToEgress(policy);

    /// <summary>The stored policy (<c>request.oldObject</c>); null when there is none or it cannot be read (then the write is judged against the namespace without it).</summary>
    private static V1NetworkPolicy? ReadOld(AdmissionRequest request)
    {
        try
        {
            return Read(request.OldObject, request.Namespace);
        }
        catch (Exception e) when (KubernetesObjectJson.IsUnreadable(e))
        {
            return null;
        }
    }

    /// <summary>The policy in <paramref name="value"/>, in <paramref name="namespace"/>; null when absent or being deleted.</summary>
    private static V1NetworkPolicy? Read(RawJsonValue? value, string? @namespace)
    {
        if (value is not { ValueKind: JsonValueKind.Object } raw || KubernetesJson.Deserialize<V1NetworkPolicy>(raw.ToElement()) is not { } policy
            || policy.Metadata?.DeletionTimestamp is not null)
        {
            return null;
        }

        WorkloadAdviceHandler.InNamespace(policy.Metadata ??= new V1ObjectMeta(), @namespace);
        return policy;
    }

    /// <summary>What the advice reads of a policy: which pods it selects and their egress (the spec without its ingress rules).</summary>
    private static string Input(V1NetworkPolicy policy) =>
        KubernetesJson.Serialize(new V1NetworkPolicySpec { PodSelector = policy.Spec?.PodSelector, PolicyTypes = policy.Spec?.PolicyTypes, Egress = policy.Spec?.Egress });
}

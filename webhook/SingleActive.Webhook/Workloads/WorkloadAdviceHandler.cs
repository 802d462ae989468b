using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Patching;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Admission for Services, PodDisruptionBudgets and NetworkPolicies on CREATE and UPDATE (NetworkPolicies on DELETE too), advice only: the same warnings a workload's
/// admission gives, for a Service or budget written after its workload. Lists the namespace's single-active
/// Deployments and StatefulSets (<see cref="IWorkloadLookup"/>) and warns about each one the object reaches the
/// standbys of (a readiness-mode workload's Service publishing not-ready addresses, <see cref="NotReadyAddressAdvisor"/>;
/// a label-mode workload's Service not selecting the leader label, <see cref="LeaderSelectorAdvisor"/>) or whose drains
/// it blocks (a budget wanting two or more healthy pods of a readiness-mode workload, <see cref="PodDisruptionBudgetAdvisor"/>).
/// NetworkPolicies likewise, for the workloads whose electors they cut off from the Kubernetes API (<see cref="NetworkPolicyAdvice"/>).
/// </summary>
/// <remarks>
/// The object is never changed nor refused, whatever goes wrong: the webhook that sends these
/// (<c>advice.single-active.io</c> in deploy/) has <c>failurePolicy: Ignore</c>, which covers a webhook that does not
/// answer, but a denial would still refuse a Service that has nothing to do with single-active. Unreadable objects,
/// lists that fail or time out (<see cref="IWorkloadLookup"/>, 2 s) and any error here admit the object without advice.
/// An UPDATE is told only what its change brings: one that changes nothing the advice reads lists nothing, and warnings
/// the old object gave already are not repeated, so a controller that rewrites a Service neither costs two lists nor
/// logs the same warning on every write (client-go logs warnings by default).
/// </remarks>
/// <param name="injectorOptions">Whose <c>Mode</c> is the mode of a template that names none.</param>
/// <param name="networkPolicies">The namespace's NetworkPolicies, for the advice on one; none: NetworkPolicies get no advice.</param>
public sealed class WorkloadAdviceHandler(
    IWorkloadLookup workloads, IOptions<InjectorOptions> injectorOptions, ILogger<WorkloadAdviceHandler>? logger = null, INetworkPolicyLookup? networkPolicies = null) : IResourceHandler
{
    public const string ServiceKind = "Service";
    public const string BudgetKind = "PodDisruptionBudget";

    /// <summary>How many workloads' warnings are given in full; the rest are named in one more line.</summary>
    public const int WorkloadsInFull = 3;

    private readonly ILogger logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly NetworkPolicyAdvice? networkPolicyAdvice = networkPolicies is null ? null : new NetworkPolicyAdvice(workloads, networkPolicies);

    /// <summary>Never a denial, even for an exception that escapes the catch below (<see cref="AdmissionDispatcher"/>).</summary>
    public bool FailsOpen => true;

    public bool CanHandle(GroupVersionKind kind) =>
        kind is { Group: null or "", Version: "v1", Kind: ServiceKind } or { Group: "policy", Version: "v1" or "v1beta1", Kind: BudgetKind }
            or { Group: "networking.k8s.io", Version: "v1", Kind: NetworkPolicyAdvice.Kind };

    public async Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Kind?.Kind;
        if (!(request.Operation is "CREATE" or "UPDATE" || (request.Operation is "DELETE" && kind == NetworkPolicyAdvice.Kind))
            || !string.IsNullOrEmpty(request.SubResource) || string.IsNullOrEmpty(request.Namespace))
        {
            return MutationResult.Skip("neither a creation nor an update of a namespaced object (nor the deletion of a NetworkPolicy)");
        }

        try
        {
            if (kind == NetworkPolicyAdvice.Kind)
            {
                return this.networkPolicyAdvice is null ? MutationResult.Skip("no NetworkPolicy lookup")
                    : await this.networkPolicyAdvice.AdviseAsync(request, cancellationToken).ConfigureAwait(false) is not { } cutOff
                        ? MutationResult.Skip("the namespace's workloads or NetworkPolicies could not be listed")
                        : Answer([.. cutOff.Select(c => (c.Workload, new List<string> { c.Warning }))], request, kind);
            }

            if (Read(request.Object, request, kind) is not var (advise, input))
            {
                return MutationResult.Skip("selects no pods, or is being deleted");
            }

            var before = request.Operation == "UPDATE" ? ReadOld(request, kind) : null;
            if (before?.Input == input)
            {
                return MutationResult.Skip("nothing the advice reads changed"); // the same warnings as before: no list
            }

            if (await workloads.ListAsync(request.Namespace, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return MutationResult.Skip("the namespace's workloads could not be listed"); // logged by the lookup
            }

            var moded = found.Select(w => w.WithDefaultMode(injectorOptions.Value.Mode)).ToList();
            var given = before is not { Advise: var gave } ? [] : moded.SelectMany(gave).ToHashSet(StringComparer.Ordinal);
            var advised = moded
                .Select(w => (Workload: w, Warnings: advise(w).Where(warning => !given.Contains(warning)).ToList()))
                .Where(a => a.Warnings.Count > 0)
                .ToList();
            return Answer(advised, request, kind);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreadable as its kind (the API server decoded it, so this is rare), a bug of ours, even running out of
            // memory on a huge list: never a denial (the endpoint would answer an escaping exception with one).
            WorkloadLog.AdviceFailed(this.logger, kind, request.Namespace, request.Name, e.Message, e);
            return MutationResult.Skip("advice failed: " + e.Message);
        }
    }

    private MutationResult Answer(List<(SingleActiveWorkload Workload, List<string> Warnings)> advised, AdmissionRequest request, string? kind)
    {
        var warnings = Summarized(advised, request.Namespace!);
        if (warnings.Count == 0)
        {
            return MutationResult.Skip("no single-active workload affected");
        }

        WorkloadLog.AdviceGiven(this.logger, kind!, request.Namespace!, request.Name, request.Operation, warnings.Count);
        return MutationResult.Allow(Decisions.Advised, warnings: warnings);
    }

    /// <summary>
    /// The warnings about the first <see cref="WorkloadsInFull"/> workloads, then one line naming the rest. The API server
    /// cuts every warning of a response to 256 characters once they add up to more than 4096
    /// (k8s.io/apiserver/pkg/endpoints/filters/warning.go), which would take the fix off each of them when an object
    /// selects many workloads.
    /// </summary>
    private static List<string> Summarized(List<(SingleActiveWorkload Workload, List<string> Warnings)> advised, string @namespace)
    {
        var warnings = advised.Take(WorkloadsInFull).SelectMany(a => a.Warnings).ToList();
        if (advised.Count > WorkloadsInFull)
        {
            var rest = advised.Skip(WorkloadsInFull).Select(a => a.Workload.Reference).ToList();
            warnings.Add($"single-active: the same applies to {rest.Count} more workload(s) it selects: {string.Join(", ", rest.Take(10))}{(rest.Count > 10 ? ", ..." : "")} " +
                $"(kubectl single-active doctor -n {@namespace} lists each with its fix)");
        }

        return warnings;
    }

    /// <summary>The advice <c>request.oldObject</c> gave; null when there is none or it cannot be read (then every warning is new).</summary>
    private static (Func<SingleActiveWorkload, IEnumerable<string>> Advise, string Input)? ReadOld(AdmissionRequest request, string? kind)
    {
        try
        {
            return Read(request.OldObject, request, kind);
        }
        catch (Exception e) when (KubernetesObjectJson.IsUnreadable(e))
        {
            return null;
        }
    }

    /// <summary>
    /// The advice the object gives for one workload, and everything of the object that advice reads, as text (equal
    /// inputs, equal warnings); null when it can select no pods or is being deleted.
    /// </summary>
    private static (Func<SingleActiveWorkload, IEnumerable<string>> Advise, string Input)? Read(RawJsonValue? value, AdmissionRequest request, string? kind)
    {
        if (value is not { ValueKind: JsonValueKind.Object } raw)
        {
            return null;
        }

        var element = raw.ToElement();
        switch (kind)
        {
            case ServiceKind when KubernetesJson.Deserialize<V1Service>(element) is { Spec.Selector.Count: > 0 } service && !IsBeingDeleted(service.Metadata):
                InNamespace(service.Metadata ??= new V1ObjectMeta(), request.Namespace);
                var tolerate = service.Metadata.Annotations is { } annotations && annotations.TryGetValue(NotReadyAddressAdvisor.TolerateUnreadyAnnotation, out var tolerating) ? tolerating : null;
                return (w => w.Advise(service), string.Join('|', service.Metadata.Name, service.Spec.ClusterIP, service.Spec.PublishNotReadyAddresses, tolerate, string.Join(',', service.Spec.Selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))));
            case BudgetKind when KubernetesJson.Deserialize<V1PodDisruptionBudget>(element) is { Spec: not null } budget && !IsBeingDeleted(budget.Metadata):
                if (request.Kind?.Version == "v1beta1")
                {
                    PodDisruptionBudgets.FromV1Beta1(budget);
                }

                if (budget.Spec.Selector is null)
                {
                    return null;
                }

                InNamespace(budget.Metadata ??= new V1ObjectMeta(), request.Namespace);
                return (w => w.Advise(budget), string.Join('|', budget.Metadata.Name, budget.Spec.MinAvailable?.Value, budget.Spec.MaxUnavailable?.Value, budget.Spec.UnhealthyPodEvictionPolicy, KubernetesJson.Serialize(budget.Spec.Selector)));
            default:
                return null;
        }
    }

    private static bool IsBeingDeleted(V1ObjectMeta? metadata) => metadata?.DeletionTimestamp is not null;

    /// <summary>Warnings name the object with its namespace: the API server sets it, a hand-made review or a manifest may not.</summary>
    internal static void InNamespace(V1ObjectMeta metadata, string? @namespace)
    {
        if (string.IsNullOrEmpty(metadata.NamespaceProperty))
        {
            metadata.NamespaceProperty = @namespace;
        }
    }
}

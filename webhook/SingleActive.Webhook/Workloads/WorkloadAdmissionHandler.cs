using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Contract;
using SingleActive.Kube.NetworkPolicies;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Patching;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Admission for apps/v1 Deployments and StatefulSets on CREATE and UPDATE: reads the typed object (and on UPDATE the
/// stored one, for <see cref="LeaseChange"/> and a StatefulSet's rollout advice), runs <see cref="WorkloadMutator"/>, adds
/// the advice on PodDisruptionBudgets that block drains and on Services that reach the standbys (readiness mode:
/// publishing not-ready addresses; label mode: not selecting the leader label) or none of its pods (readiness mode:
/// selecting the leader label, <see cref="RoleSelectorAdvisor"/>) and on NetworkPolicies that cut its electors off from the
/// Kubernetes API (<see cref="ElectorEgressAdvisor"/>), and answers with the patch and warnings. A workload that does not
/// opt in is allowed untouched.
/// </summary>
public sealed class WorkloadAdmissionHandler(
    WorkloadMutator mutator,
    JsonPatchBuilder patchBuilder,
    IPodDisruptionBudgetLookup budgets,
    ILogger<WorkloadAdmissionHandler>? logger = null,
    IServiceLookup? services = null,
    INetworkPolicyLookup? networkPolicies = null) : IResourceHandler
{
    private readonly ILogger logger = logger ?? (ILogger)NullLogger.Instance;

    public bool CanHandle(GroupVersionKind kind) =>
        kind is { Group: "apps", Version: "v1", Kind: Workload.DeploymentKind or Workload.StatefulSetKind };

    public async Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var isCreate = string.Equals(request.Operation, "CREATE", StringComparison.Ordinal);
        if ((!isCreate && !string.Equals(request.Operation, "UPDATE", StringComparison.Ordinal)) || !string.IsNullOrEmpty(request.SubResource))
        {
            return MutationResult.Skip("neither a creation nor an update");
        }

        // The garbage collector removes finalizers from a workload being deleted with an UPDATE; whatever its template
        // says, refusing it would keep the object (and its pods) forever, and nothing new rolls out from it any more.
        // The one place a JsonElement is made from the request: the workload path reads its objects from elements.
        var obj = request.Object?.ToElement();
        if (IsBeingDeleted(obj))
        {
            WorkloadLog.BeingDeleted(this.logger, request.Kind?.Kind, request.Namespace, request.Name);
            return MutationResult.Skip("being deleted");
        }

        var kind = request.Kind?.Kind;
        object? current;
        Stored previous;
        string? problem;
        switch (kind)
        {
            case Workload.DeploymentKind:
                current = Read<V1Deployment>(obj, kind, "request.object", out problem);
                previous = isCreate ? default : Stored.Of(Read<V1Deployment>(request.OldObject?.ToElement(), kind, "request.oldObject", out _));
                break;
            case Workload.StatefulSetKind:
                current = Read<V1StatefulSet>(obj, kind, "request.object", out problem);
                previous = isCreate ? default : Stored.Of(Read<V1StatefulSet>(request.OldObject?.ToElement(), kind, "request.oldObject", out _));
                break;
            default:
                return MutationResult.Skip("not a Deployment or StatefulSet");
        }

        if (current is null)
        {
            WorkloadLog.Denied(this.logger, kind, request.Namespace, request.Name, problem!);
            return MutationResult.Deny(problem!);
        }

        var original = KubernetesObjectJson.ToUtf8(current);
        var workloadRequest = new WorkloadRequest(isCreate, previous.Template, request.Namespace, PreviousMayRunPods: previous.MayRunPods);
        var (mutation, workload) = current switch
        {
            V1Deployment d => (mutator.Mutate(d, workloadRequest), Workload.Of(d, request.Namespace)),
            V1StatefulSet s => (mutator.Mutate(s, workloadRequest), Workload.Of(s, request.Namespace)),
            _ => throw new InvalidOperationException("unreachable"),
        };

        if (!mutation.Allowed)
        {
            WorkloadLog.Denied(this.logger, kind, workload.Namespace, workload.Name, mutation.Denial!);
            return MutationResult.Deny(mutation.Denial!);
        }

        var warnings = new List<string>(mutation.Warnings);
        // Listed with the others, for either mode: every elector needs the API.
        var listingPolicies = mutation.OptedIn && !string.IsNullOrEmpty(workload.Namespace) && networkPolicies is not null
            ? networkPolicies.ListAsync(workload.Namespace, cancellationToken)
            : Task.FromResult<IReadOnlyList<V1NetworkPolicy>?>(null);
        if (mutation.Mode == ElectorMode.Readiness && !string.IsNullOrEmpty(workload.Namespace))
        {
            // The lists at once: each is bounded, and none fails the admission.
            var listingBudgets = budgets.ListAsync(workload.Namespace, cancellationToken);
            var listingServices = services?.ListAsync(workload.Namespace, cancellationToken) ?? Task.FromResult<IReadOnlyList<V1Service>?>(null);
            await Task.WhenAll(listingBudgets, listingServices, listingPolicies).ConfigureAwait(false);
            if (await listingBudgets.ConfigureAwait(false) is { } found)
            {
                warnings.AddRange(PodDisruptionBudgetAdvisor.Advise(found, workload));
            }

            if (await listingServices.ConfigureAwait(false) is { } listed)
            {
                warnings.AddRange(SingleActiveWorkload.AdviseOnServices(ElectorMode.Readiness, workload, listed));
            }
        }
        else if (mutation.Mode == ElectorMode.Label && !string.IsNullOrEmpty(workload.Namespace))
        {
            // Budgets work as usual in label mode (every healthy replica is Ready); a Service must select the leader label.
            var listingServices = services?.ListAsync(workload.Namespace, cancellationToken) ?? Task.FromResult<IReadOnlyList<V1Service>?>(null);
            await Task.WhenAll(listingServices, listingPolicies).ConfigureAwait(false);
            if (await listingServices.ConfigureAwait(false) is { } listed)
            {
                warnings.AddRange(SingleActiveWorkload.AdviseOnServices(ElectorMode.Label, workload, listed));
            }
        }

        if (await listingPolicies.ConfigureAwait(false) is { } policies && ElectorEgressAdvisor.Advise(policies, workload) is { } cutOff)
        {
            warnings.Add(cutOff);
        }

        var patch = patchBuilder.CreatePatch(original, KubernetesObjectJson.ToUtf8(current));
        var changed = patch.Length > 2;
        var decision = changed ? Decisions.Mutated : mutation.OptedIn ? Decisions.AlreadyInjected : Decisions.Skipped;
        WorkloadLog.Admitted(this.logger, kind, workload.Namespace, workload.Name, request.Operation, decision, warnings.Count);
        return MutationResult.Allow(decision, changed ? patch : null, warnings);
    }

    /// <summary>
    /// What the stored object (<c>request.oldObject</c>) tells about the pods that run now: its template (a StatefulSet's
    /// advice depends on whether this request starts a rollout, and <see cref="LeaseChange"/> on the Lease its pods
    /// campaign for) and whether there may be any (see <see cref="WorkloadRequest.PreviousMayRunPods"/>). Empty when it is
    /// missing or unreadable.
    /// </summary>
    private readonly record struct Stored(V1PodTemplateSpec? Template, bool MayRunPods)
    {
        public static Stored Of(V1Deployment? deployment) =>
            deployment is null ? default : new(deployment.Spec?.Template, MayRun(deployment.Spec?.Replicas, deployment.Status?.Replicas));

        public static Stored Of(V1StatefulSet? statefulSet) =>
            statefulSet is null ? default : new(statefulSet.Spec?.Template, MayRun(statefulSet.Spec?.Replicas, statefulSet.Status?.Replicas));

        private static bool MayRun(int? specReplicas, int? statusReplicas) => (specReplicas ?? 1) > 0 || statusReplicas > 0;
    }

    /// <summary>Read from the raw object, before anything else, so that not even an unreadable template can block it.</summary>
    private static bool IsBeingDeleted(JsonElement? raw) =>
        raw is { ValueKind: JsonValueKind.Object } obj
        && obj.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("deletionTimestamp", out var deletion) && deletion.ValueKind == JsonValueKind.String;

    private static T? Read<T>(JsonElement? raw, string kind, string field, out string? problem)
        where T : class
    {
        problem = null;
        if (raw is not { ValueKind: JsonValueKind.Object } element)
        {
            problem = $"the admission request has no {kind} in {field}";
            return null;
        }

        try
        {
            var value = KubernetesJson.Deserialize<T>(element);
            problem = value is null ? $"{field} could not be read as a {kind}" : null;
            return value;
        }
        catch (Exception e) when (KubernetesObjectJson.IsUnreadable(e))
        {
            problem = $"{field} could not be read as a {kind}: {e.Message}";
            return null;
        }
    }
}

using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// Admission for Services and PodDisruptionBudgets on CREATE and UPDATE, advice only: the same warnings a workload's
/// admission gives, for a Service or budget written after its workload. Lists the namespace's single-active
/// Deployments and StatefulSets (<see cref="IWorkloadLookup"/>) and warns about each one the object reaches the
/// standbys of (a readiness-mode workload's Service publishing not-ready addresses, <see cref="NotReadyAddressAdvisor"/>;
/// a label-mode workload's Service not selecting the leader label, <see cref="LeaderSelectorAdvisor"/>) or whose drains
/// it blocks (a budget wanting two or more healthy pods of a readiness-mode workload, <see cref="PodDisruptionBudgetAdvisor"/>).
/// </summary>
/// <remarks>
/// The object is never changed nor refused, whatever goes wrong: the webhook that sends these
/// (<c>advice.single-active.io</c> in deploy/) has <c>failurePolicy: Ignore</c>, which covers a webhook that does not
/// answer, but a denial would still refuse a Service that has nothing to do with single-active. Unreadable objects,
/// lists that fail or time out (<see cref="IWorkloadLookup"/>, 2 s) and any error here admit the object without advice.
/// </remarks>
/// <param name="injector">Whose <c>Injector:Mode</c> is the mode of a template that names none.</param>
public sealed class WorkloadAdviceHandler(IWorkloadLookup workloads, PodInjector injector, ILogger<WorkloadAdviceHandler>? logger = null) : IResourceHandler
{
    public const string ServiceKind = "Service";
    public const string BudgetKind = "PodDisruptionBudget";

    private readonly ILogger logger = logger ?? (ILogger)NullLogger.Instance;

    public bool CanHandle(GroupVersionKind kind) =>
        kind is { Group: "", Version: "v1", Kind: ServiceKind } or { Group: "policy", Version: "v1" or "v1beta1", Kind: BudgetKind };

    public async Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Operation is not ("CREATE" or "UPDATE") || !string.IsNullOrEmpty(request.SubResource) || string.IsNullOrEmpty(request.Namespace))
        {
            return MutationResult.Skip("neither a creation nor an update of a namespaced object");
        }

        var kind = request.Kind?.Kind;
        try
        {
            var advise = Read(request, kind);
            if (advise is null)
            {
                return MutationResult.Skip("selects no pods, or is being deleted");
            }

            if (await workloads.ListAsync(request.Namespace, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return MutationResult.Skip("the namespace's workloads could not be listed"); // logged by the lookup
            }

            var warnings = found.Select(w => w.WithDefaultMode(injector.Options.Mode)).SelectMany(advise).ToList();
            if (warnings.Count == 0)
            {
                return MutationResult.Skip("no single-active workload affected");
            }

            WorkloadLog.AdviceGiven(this.logger, kind!, request.Namespace, request.Name, request.Operation, warnings.Count);
            return MutationResult.Allow(Decisions.Advised, warnings: warnings);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // Unreadable as its kind (the API server decoded it, so this is rare), or a bug of ours: never a denial.
            WorkloadLog.AdviceFailed(this.logger, kind, request.Namespace, request.Name, e.Message, e);
            return MutationResult.Skip("advice failed: " + e.Message);
        }
    }

    /// <summary>The advice the object gives for one workload; null when it can select no pods or is being deleted.</summary>
    private static Func<SingleActiveWorkload, IEnumerable<string>>? Read(AdmissionRequest request, string? kind)
    {
        if (request.Object is not { ValueKind: JsonValueKind.Object } raw)
        {
            return null;
        }

        var element = raw.ToElement();
        switch (kind)
        {
            case ServiceKind when KubernetesJson.Deserialize<V1Service>(element) is { Spec.Selector.Count: > 0 } service && !IsBeingDeleted(service.Metadata):
                InNamespace(service.Metadata ??= new V1ObjectMeta(), request.Namespace);
                return w => w.Advise(service);
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
                return w => w.Advise(budget);
            default:
                return null;
        }
    }

    private static bool IsBeingDeleted(V1ObjectMeta? metadata) => metadata?.DeletionTimestamp is not null;

    /// <summary>The warnings name the object with its namespace; the API server sets it, a hand-made review may not.</summary>
    private static void InNamespace(V1ObjectMeta metadata, string? @namespace)
    {
        if (string.IsNullOrEmpty(metadata.NamespaceProperty))
        {
            metadata.NamespaceProperty = @namespace;
        }
    }
}

using System.Text.Json.Nodes;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Provisioning;

namespace SingleActive.Webhook.Workloads;

/// <summary>
/// decide + render for Deployments and StatefulSets, without HTTP or I/O: reconciles the opt-in between the
/// workload and its pod template, checks the template the way each of its pods will be checked (so a bad
/// override fails the <c>kubectl apply</c> instead of every pod creation, which users only see as events),
/// refuses a change of Lease that would split running replicas over two leaders (<see cref="LeaseChange"/>), and gives
/// readiness-mode workloads a rollout that cannot stall. Changes the typed object in place.
/// </summary>
public sealed class WorkloadMutator(PodInjector injector)
{
    public WorkloadMutation Mutate(V1Deployment deployment, WorkloadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workload = Workload.Of(deployment, request.Namespace);
        var recreate = string.Equals(deployment.Spec?.Strategy?.Type, DeploymentStrategyPlanner.Recreate, StringComparison.Ordinal);
        return Mutate(workload, request, recreate, mode =>
            mode == ElectorMode.Readiness && DeploymentStrategyPlanner.Apply(deployment, workload.Description) is { } warning ? [warning] : []);
    }

    public WorkloadMutation Mutate(V1StatefulSet statefulSet, WorkloadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workload = Workload.Of(statefulSet, request.Namespace);
        return Mutate(workload, request, recreate: false, mode =>
            mode == ElectorMode.Readiness
                ? StatefulSetPolicyPlanner.Apply(statefulSet, workload.Description, request.IsCreate, TemplateChanged(request, workload.Template))
                : []);
    }

    /// <param name="recreate">A Deployment with strategy Recreate, whose rollouts never run old and new pods at once.</param>
    private WorkloadMutation Mutate(Workload workload, WorkloadRequest request, bool recreate, Func<ElectorMode, IReadOnlyList<string>> rollout)
    {
        var optIn = TemplateOptIn.Apply(workload);
        if (optIn.Denial is not null)
        {
            return WorkloadMutation.Denied(optIn.Denial);
        }

        var warnings = new List<string>();
        if (optIn.Notice is not null)
        {
            warnings.Add(optIn.Notice);
        }

        if (!optIn.TemplateOptedIn)
        {
            return new WorkloadMutation(null, false, null, warnings);
        }

        warnings.AddRange(WorkloadLevelSettings(workload));

        if (LeaseChange.Refusal(workload, request, recreate) is { } split)
        {
            return WorkloadMutation.Denied(split);
        }

        var template = workload.Template;
        ServiceAccountRequest? account = null;
        ElectorMode mode;
        var result = injector.Inject(TemplatePod(template, workload.Name), new InjectionContext(workload.Namespace, ServerVersion: request.InjectTemplate?.ServerVersion, LeaseNameHint: workload.Name, OldestKubelet: request.InjectTemplate?.OldestKubelet));
        switch (result)
        {
            case { Allowed: false }:
                return WorkloadMutation.Denied($"{workload.Description} cannot be admitted because its pods would be denied: {result.Message}");

            case { Injected: { } injected }:
                mode = injected.Status.Mode;
                warnings.AddRange(result.Warnings ?? []);
                if (request.InjectTemplate is not null)
                {
                    var original = template.Metadata;
                    template.Metadata = injected.Pod.Metadata with { GenerateName = original?.GenerateName, NamespaceProperty = original?.NamespaceProperty };
                    template.Spec = injected.Pod.Spec;
                    account = injected.ServiceAccount;
                }

                break;

            default:
                // Already injected (a template from offline injection): the mode it was rendered with stands.
                mode = ModeOf(template.Metadata?.Annotations, injector.Options.Mode);
                warnings.AddRange(result.Warnings ?? []);
                break;
        }

        warnings.AddRange(rollout(mode));
        return new WorkloadMutation(null, true, mode, warnings, account);
    }

    /// <summary>
    /// The template as the pod the workload's controller will create: named by its generateName, so that
    /// messages and the derived Lease name match what the pods get.
    /// </summary>
    internal static V1Pod TemplatePod(V1PodTemplateSpec template, string? workloadName)
    {
        var meta = template.Metadata ?? new V1ObjectMeta();
        if (workloadName is { } name)
        {
            meta = meta with { GenerateName = name + "-" };
        }

        return new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = meta, Spec = template.Spec };
    }

    /// <summary>
    /// <c>single-active.io/*</c> settings on an opted-in workload's own metadata: only the opt-in is read there (and copied
    /// to the template); every setting is a pod template annotation, so these would be ignored without a word. A key the
    /// template carries with the same value is in effect (kustomize's <c>commonAnnotations</c> writes both places) and
    /// is not warned about.
    /// </summary>
    private static IEnumerable<string> WorkloadLevelSettings(Workload workload)
    {
        var onTemplate = workload.Template.Metadata?.Annotations;
        return (workload.Metadata.Annotations ?? new Dictionary<string, string>())
            .Where(a => a.Key.StartsWith(Annotations.Prefix, StringComparison.Ordinal)
                && !(onTemplate is not null && onTemplate.TryGetValue(a.Key, out var value) && string.Equals(value, a.Value, StringComparison.Ordinal)))
            .Select(a => a.Key).Order(StringComparer.Ordinal)
            .Select(key => $"single-active: annotation \"{key}\" on {workload.Description} is not read there and is ignored: single-active settings are pod template annotations " +
                $"(spec.template.metadata.annotations), where each pod gets them; only \"{Annotations.Enabled}\" is read on the {workload.Kind} itself");
    }

    private static ElectorMode ModeOf(IDictionary<string, string>? annotations, ElectorMode fallback) =>
        annotations is not null && annotations.TryGetValue(Annotations.Mode, out var text) && ElectorModes.TryParse(text, out var mode) ? mode : fallback;

    private static bool TemplateChanged(WorkloadRequest request, V1PodTemplateSpec template) =>
        request.IsCreate || request.PreviousTemplate is null
        || !JsonNode.DeepEquals(KubernetesObjectJson.ToNode(request.PreviousTemplate), KubernetesObjectJson.ToNode(template));
}

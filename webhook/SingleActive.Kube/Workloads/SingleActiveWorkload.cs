using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// A Deployment or StatefulSet whose pod template opts in (<c>single-active: "true"</c>, as the webhook writes it):
/// its mode and the Lease its replicas campaign for.
/// </summary>
/// <param name="Workload">The shared view of the object (kind, template, replicas) the webhook's rules read too.</param>
/// <param name="LeaseName">The template's <c>single-active.io/lease-name</c>, else the workload's name (the webhook's default for an owned pod).</param>
public sealed record SingleActiveWorkload(Workload Workload, ElectorMode Mode, string LeaseName, V1LabelSelector? Selector, object Source)
{
    public string Namespace => Workload.Namespace ?? "";

    public string Name => Workload.Name ?? "";

    /// <summary>kubectl's TYPE/NAME: <c>deployment/web</c>.</summary>
    public string Reference => Workload.Reference;

    public IDictionary<string, string>? TemplateAnnotations => Workload.Template.Metadata?.Annotations;

    public static SingleActiveWorkload? From(V1Deployment deployment) => From(deployment, null);

    public static SingleActiveWorkload? From(V1StatefulSet statefulSet) => From(statefulSet, null);

    /// <param name="namespaceHint">The namespace when the object names none (<c>inject -n</c>).</param>
    public static SingleActiveWorkload? From(V1Deployment deployment, string? namespaceHint) =>
        From(Workload.Of(deployment, namespaceHint), deployment.Spec?.Selector, deployment);

    /// <param name="namespaceHint">The namespace when the object names none (<c>inject -n</c>).</param>
    public static SingleActiveWorkload? From(V1StatefulSet statefulSet, string? namespaceHint) =>
        From(Workload.Of(statefulSet, namespaceHint), statefulSet.Spec?.Selector, statefulSet);

    private static SingleActiveWorkload? From(Workload workload, V1LabelSelector? selector, object source)
    {
        var annotations = workload.Template.Metadata?.Annotations;
        if (annotations is null || !annotations.TryGetValue(Annotations.Enabled, out var optIn) || !string.Equals(optIn.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var mode = annotations.TryGetValue(Annotations.Mode, out var modeText) && ElectorModes.TryParse(modeText, out var parsed) ? parsed : ElectorMode.Readiness;
        var lease = annotations.TryGetValue(Annotations.LeaseName, out var leaseName) && !string.IsNullOrWhiteSpace(leaseName) ? leaseName.Trim() : workload.Name ?? "";
        return new SingleActiveWorkload(workload, mode, lease, selector, source);
    }

    /// <summary>
    /// This workload with <paramref name="mode"/> when its template names no mode (<c>single-active.io/mode</c>): the mode
    /// the webhook injects by default (its <c>Injector:Mode</c>), which only the webhook knows. <see cref="From(V1Deployment)"/>
    /// assumes readiness, the default as shipped.
    /// </summary>
    public SingleActiveWorkload WithDefaultMode(ElectorMode mode) =>
        TemplateAnnotations?.ContainsKey(Annotations.Mode) == true ? this : this with { Mode = mode };

    /// <summary>
    /// This workload with the mode its pods were injected with, when its template names none: the webhook's
    /// <c>Injector:Mode</c> decided it then, and outside the webhook only the pods' <c>single-active.io/status</c>
    /// annotation tells it (its <c>mode</c>; the newest pod that has a readable one). Unchanged without such a pod.
    /// </summary>
    public SingleActiveWorkload WithModeOfPods(IEnumerable<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        if (TemplateAnnotations?.ContainsKey(Annotations.Mode) == true)
        {
            return this;
        }

        foreach (var pod in pods.OrderByDescending(p => p.Metadata?.CreationTimestamp ?? DateTime.MinValue))
        {
            if (ModeInStatus(pod) is { } mode)
            {
                return this with { Mode = mode };
            }
        }

        return this;
    }

    /// <summary>Admission warnings about <paramref name="service"/> for this workload (see <see cref="AdviseOnServices"/>).</summary>
    public IReadOnlyList<string> Advise(V1Service service) => AdviseOnServices(Mode, Workload, [service]);

    /// <summary>
    /// Admission warnings for each of <paramref name="services"/> that reaches <paramref name="workload"/>'s standbys:
    /// readiness mode, it publishes not-ready addresses (<see cref="NotReadyAddressAdvisor"/>); label mode, it does not
    /// select the leader label (<see cref="LeaderSelectorAdvisor"/>); or, in readiness mode, that asks for a leader label
    /// no pod carries (<see cref="RoleSelectorAdvisor"/>). Empty for those that do not select the workload's pods. The
    /// webhook gives the same advice when it admits the workload and when it admits the Service.
    /// </summary>
    public static IReadOnlyList<string> AdviseOnServices(ElectorMode mode, Workload workload, IReadOnlyList<V1Service> services) =>
        mode == ElectorMode.Label
            ? LeaderSelectorAdvisor.Advise(services, workload)
            : [.. NotReadyAddressAdvisor.Advise(services, workload), .. RoleSelectorAdvisor.Advise(services, workload)];

    /// <summary>
    /// Admission warnings when <paramref name="budget"/> (as policy/v1: <see cref="PodDisruptionBudgets.FromV1Beta1"/>)
    /// blocks this readiness-mode workload's drains (<see cref="PodDisruptionBudgetAdvisor"/>); label mode: none, budgets
    /// work as usual there.
    /// </summary>
    public IReadOnlyList<string> Advise(V1PodDisruptionBudget budget) =>
        Mode == ElectorMode.Readiness ? PodDisruptionBudgetAdvisor.Advise([budget], Workload) : [];

    private static ElectorMode? ModeInStatus(V1Pod pod) =>
        PodInjectionStatus.StatusOf(pod) is { } status && ElectorModes.TryParse(PodInjectionStatus.Text(status, "mode"), out var mode) ? mode : null;

    /// <summary>The selector as a <c>labelSelector</c> query string; null when it selects nothing.</summary>
    public string? LabelSelectorQuery()
    {
        if (Selector is null)
        {
            return null;
        }

        var parts = (Selector.MatchLabels ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}").ToList();
        foreach (var e in Selector.MatchExpressions ?? [])
        {
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(",", e.Values ?? [])})",
                "NotIn" => $"{e.Key} notin ({string.Join(",", e.Values ?? [])})",
                "Exists" => e.Key,
                _ => "!" + e.Key,
            });
        }

        return string.Join(",", parts);
    }
}

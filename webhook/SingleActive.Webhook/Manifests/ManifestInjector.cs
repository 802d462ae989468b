using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Patching;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Manifests;

/// <summary>
/// Offline injection of manifests, for clusters where the webhook cannot be installed: Pods are injected as
/// the webhook would at creation, and Deployments/StatefulSets get the workload changes plus an injected pod
/// template (so their pods need no webhook). Each document is changed by applying the patch computed from
/// its typed form to its own JSON, so everything else in it passes through exactly.
/// </summary>
public sealed class ManifestInjector(PodInjector podInjector, WorkloadMutator workloads, JsonPatchBuilder patches, Version? serverVersion, string? defaultNamespace)
{
    public ManifestInjection Inject(IReadOnlyList<JsonNode> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var run = new ManifestRun();
        var output = new List<JsonNode>();
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
            if (document is JsonObject { } list && IsList(list))
            {
                var items = (JsonArray)list["items"]!;
                for (var j = 0; j < items.Count; j++)
                {
                    InjectOne(items[j], $"document {i + 1}, item {j + 1}", run);
                }
            }
            else
            {
                InjectOne(document, $"document {i + 1}", run);
            }

            output.Add(document);
        }

        run.Advise();
        return new ManifestInjection(output, run.Accounts, run.Warnings, run.Errors);
    }

    private static bool IsList(JsonObject obj) =>
        Text(obj, "kind") is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray;

    private void InjectOne(JsonNode? node, string where, ManifestRun run)
    {
        if (node is not JsonObject obj || Text(obj, "kind") is not { Length: > 0 } kind || Text(obj, "apiVersion") is not { Length: > 0 } apiVersion)
        {
            run.Errors.Add($"{where}: not a Kubernetes object (a mapping with apiVersion and kind)");
            return;
        }

        var ns = Text(obj["metadata"], "namespace") is { Length: > 0 } own ? own : defaultNamespace;
        var name = Text(obj["metadata"], "name") ?? (Text(obj["metadata"], "generateName") is { } prefix ? prefix + "*" : "(unnamed)");
        var label = $"{where} ({kind} {(string.IsNullOrEmpty(ns) ? "" : ns + "/")}{name})";
        if (obj["metadata"]?["deletionTimestamp"] is JsonValue)
        {
            // As the webhook: an object on its way out is never changed (see WorkloadAdmissionHandler).
            return;
        }

        try
        {
            switch (apiVersion, kind)
            {
                case ("v1", "Pod"):
                    InjectPod(obj, ns, label, run);
                    break;
                case ("apps/v1", Workload.DeploymentKind):
                    InjectWorkload<V1Deployment>(obj, ns, label, run, d => workloads.Mutate(d, Request(ns)), d => SingleActiveWorkload.From(d, ns));
                    break;
                case ("apps/v1", Workload.StatefulSetKind):
                    InjectWorkload<V1StatefulSet>(obj, ns, label, run, s => workloads.Mutate(s, Request(ns)), s => SingleActiveWorkload.From(s, ns));
                    break;
                case ("v1", WorkloadAdviceHandler.ServiceKind):
                    if (ReadForAdvice<V1Service>(obj, label, kind, run) is { } service)
                    {
                        WorkloadAdviceHandler.InNamespace(service.Metadata ??= new V1ObjectMeta(), ns);
                        run.Selecting.Add((label, ns, w => w.Advise(service)));
                    }

                    break;
                case ("networking.k8s.io/v1", NetworkPolicyAdvice.Kind):
                    if (ReadForAdvice<V1NetworkPolicy>(obj, label, kind, run) is { } policy)
                    {
                        run.AddPolicy(ns, policy);
                    }

                    break;
                case ("policy/v1" or "policy/v1beta1", WorkloadAdviceHandler.BudgetKind):
                    if (ReadForAdvice<V1PodDisruptionBudget>(obj, label, kind, run) is { } read)
                    {
                        var budget = apiVersion == "policy/v1beta1" ? PodDisruptionBudgets.FromV1Beta1(read) : read;
                        WorkloadAdviceHandler.InNamespace(budget.Metadata ??= new V1ObjectMeta(), ns);
                        run.Selecting.Add((label, ns, w => w.Advise(budget)));
                    }

                    break;
                default:
                    if (MentionsOptIn(obj))
                    {
                        run.Warnings.Add($"{label}: opts in to single-active, but inject handles only v1 Pods and apps/v1 Deployments and StatefulSets; " +
                            "it is passed through unchanged, so its pods are injected only where the webhook runs");
                    }

                    break;
            }
        }
        catch (Exception e) when (KubernetesObjectJson.IsUnreadable(e))
        {
            run.Errors.Add($"{label}: cannot be read as a {kind}: {KubernetesObjectJson.UnreadableReason(e)}");
        }
    }

    // Offline, the cluster's version the user gives stands for the API server and for every node.
    private WorkloadRequest Request(string? ns) => new(IsCreate: true, Namespace: ns, InjectTemplate: new TemplateInjection(serverVersion, serverVersion));

    private void InjectPod(JsonObject obj, string? ns, string label, ManifestRun run)
    {
        var pod = KubernetesJson.Deserialize<V1Pod>(obj)!;
        var result = podInjector.Inject(pod, new InjectionContext(ns, ServerVersion: serverVersion, OldestKubelet: serverVersion));
        if (!result.Allowed)
        {
            run.Errors.Add($"{label}: {result.Message}");
            return;
        }

        if (result.Injected is { } injected)
        {
            Apply(obj, pod, injected.Pod);
            run.AddAccount(injected.ServiceAccount, label);
        }

        // An injected pod's advice, or why a pod that opted in is left as it is (a mirror pod, one injected before).
        run.Warnings.AddRange((result.Warnings ?? []).Select(w => $"{label}: {w}"));
        if (KeptElectorImage.Warning(obj["spec"], podInjector.Options.Image) is { } kept)
        {
            run.Warnings.Add($"{label}: {kept}");
        }
    }

    private void InjectWorkload<T>(JsonObject obj, string? ns, string label, ManifestRun run, Func<T, WorkloadMutation> mutate, Func<T, SingleActiveWorkload?> optedIn)
        where T : class
    {
        var original = KubernetesObjectJson.ToNode(KubernetesJson.Deserialize<T>(obj)!);
        var typed = KubernetesJson.Deserialize<T>(obj)!;
        var mutation = mutate(typed);
        if (!mutation.Allowed)
        {
            run.Errors.Add($"{label}: {mutation.Denial}");
            return;
        }

        run.Warnings.AddRange(mutation.Warnings.Select(w => $"{label}: {w}"));
        if (mutation.ServiceAccount is { } account)
        {
            run.AddAccount(account, label);
        }

        JsonPatchApplier.Apply(obj, patches.CreatePatch(original, KubernetesObjectJson.ToNode(typed)));
        if (KeptElectorImage.Warning(obj["spec"]?["template"]?["spec"], podInjector.Options.Image) is { } kept)
        {
            run.Warnings.Add($"{label}: {kept}");
        }

        // The namespace given by --namespace only names the workload in the advice (optedIn takes it as a hint).
        if (optedIn(typed) is { } workload && mutation.Mode is { } mode)
        {
            run.Workloads.Add((label, workload with { Mode = mode })); // --mode for a template that names none
        }
    }

    /// <summary>
    /// A Service or budget read only for the advice; one that cannot be read passes through as before, with a warning
    /// (the API server will say what is wrong with it), never an error that would stop the whole manifest.
    /// </summary>
    private static T? ReadForAdvice<T>(JsonObject obj, string label, string kind, ManifestRun run)
        where T : class
    {
        try
        {
            return KubernetesJson.Deserialize<T>(obj);
        }
        catch (Exception e) when (KubernetesObjectJson.IsUnreadable(e))
        {
            run.Warnings.Add($"{label}: cannot be read as a {kind} ({e.Message}); passed through unchanged, without single-active advice");
            return null;
        }
    }

    private void Apply(JsonObject target, object original, object mutated) =>
        JsonPatchApplier.Apply(target, patches.CreatePatch(KubernetesObjectJson.ToNode(original), KubernetesObjectJson.ToNode(mutated)));

    /// <summary>Any <c>single-active</c> annotation on the object or on a pod template inside it.</summary>
    private static bool MentionsOptIn(JsonObject obj) =>
        obj["metadata"]?["annotations"]?[Annotations.Enabled] is not null
        || obj["spec"]?["template"]?["metadata"]?["annotations"]?[Annotations.Enabled] is not null
        || obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["metadata"]?["annotations"]?[Annotations.Enabled] is not null;

    /// <summary>The string value of <paramref name="property"/>; null when absent or not a string.</summary>
    internal static string? Text(JsonNode? node, string property) =>
        node is JsonObject obj && obj[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

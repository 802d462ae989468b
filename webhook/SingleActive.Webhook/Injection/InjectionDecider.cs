using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Admission;
using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// decide: whether a pod (on CREATE) gets the elector, and if not, why: the answer when it does not (skipped,
/// already injected, denied), null when it does. Pure; the per-pod annotation
/// values are checked later, by <see cref="InjectionSettingsResolver"/>, and what depends on them or on the
/// cluster (the sidecar form for pods that run to completion, the ServiceAccount switch) by <see cref="PodInjector"/>.
/// </summary>
public static class InjectionDecider
{
    public static MutationResult? Decide(V1Pod pod, string description)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var annotations = pod.Metadata?.Annotations;
        var optIn = OptIn.Read(annotations);
        switch (optIn)
        {
            case OptInValue.Absent:
                return MutationResult.Skip($"no \"{Annotations.Enabled}\" annotation");
            case OptInValue.False:
                return MutationResult.Skip($"\"{Annotations.Enabled}\" is false");
        }

        // Before the value is judged: denying a mirror pod would not stop its static pod, only hide it from the API.
        if (MirrorPods.IsMirror(pod))
        {
            return MutationResult.Skip("a mirror pod is never patched", MirrorPods.Warning(description));
        }

        if (optIn == OptInValue.Invalid)
        {
            return MutationResult.Deny(OptIn.InvalidMessage(annotations![Annotations.Enabled], description));
        }

        var elector = PodContainers.Elector(pod.Spec);
        var hasElector = elector is not null;
        if (annotations!.ContainsKey(Annotations.Status))
        {
            // The status annotation alone is not proof: copied from an injected pod (kubectl get -o yaml
            // into a template), it would let this pod run without an elector and be Ready next to the leader.
            if (elector is null)
            {
                return MutationResult.Deny(
                    $"{description} has the \"{Annotations.Status}\" annotation but no \"{ElectorHttp.ContainerName}\" container, " +
                    "so it would run without an elector and could be Ready next to the leader; the annotation was probably copied from an injected pod. " +
                    "Remove it and let the webhook inject the pod");
            }

            // Nor is the elector: its readinessProbe changed after injection (a later webhook, which re-invokes this
            // one; a rewritten inject -f output) could make it Ready whether or not it leads. Only what does that for
            // certain is refused: a slower probe, or one a mesh moved to its own port, is doctor's to report.
            return ElectorReadinessProbe.ReadyRegardless(pod, elector) is { } probe
                ? MutationResult.Deny(
                    $"{description} is injected, but its \"{ElectorHttp.ContainerName}\" container {probe}. Something changed the probe after injection " +
                    "(a later mutating webhook or policy, a tool that rewrote the output of inject): leave that container's readinessProbe as rendered " +
                    $"(exclude the \"{ElectorHttp.ContainerName}\" container from what changed it), or remove that container and the \"{Annotations.Status}\" annotation and let the webhook inject the pod again")
                : MutationResult.AlreadyInjectedWith([.. SettingAnnotations.Unknown(annotations, description), .. SettingAnnotations.Drift(pod, description)]);
        }

        // Our name without our status annotation: someone else's container, or an injection whose
        // annotation was stripped. Adding a second one would be rejected (duplicate name) or, worse,
        // run an elector we did not configure.
        if (hasElector)
        {
            return MutationResult.Deny(
                $"{description} already has a container named \"{ElectorHttp.ContainerName}\" but no \"{Annotations.Status}\" annotation, " +
                "so it was not injected by this webhook (or the annotation was removed); rename or remove that container, " +
                $"or set the annotation \"{Annotations.Enabled}\" to \"false\" to manage the elector yourself");
        }

        // The API server requires a container, but it validates after the mutating webhooks: the elector added here would
        // make the pod valid, and it would run the elector alone, leading over nothing.
        if (pod.Spec?.Containers is not { Count: > 0 })
        {
            return MutationResult.Deny(
                $"{description} has no containers (spec.containers is empty), so there is no app for the elector to make active or standby; " +
                "add the app's container");
        }

        if (PodPlatform.WindowsOnly(pod.Spec) is { } windows)
        {
            return MutationResult.Deny(
                $"{description} can run only on Windows nodes ({windows}), and the elector is a Linux container, so it cannot be injected. " +
                $"Remove the \"{Annotations.Enabled}\" annotation, or run the workload on Linux nodes");
        }

        if (pod.Spec?.Volumes?.Any(v => v.Name == ElectorTokenVolume.VolumeName) == true)
        {
            return MutationResult.Deny(
                $"{description} already has a volume named \"{ElectorTokenVolume.VolumeName}\", the name of the elector's token volume; rename that volume");
        }

        if (pod.Spec?.HostNetwork == true && !(annotations.TryGetValue(Annotations.Port, out var port) && !string.IsNullOrWhiteSpace(port)))
        {
            return MutationResult.Deny(
                $"{description} uses hostNetwork, so the elector's port would be a port of the node, and only you know which node ports are free; " +
                $"set the annotation \"{Annotations.Port}\" to a port that is free on every node the pod may run on");
        }

        return null;
    }
}

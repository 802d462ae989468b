using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Injection;
using SingleActive.Webhook.Provisioning;
using k8s.Models;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Shortcuts for render tests.</summary>
internal static class Rendered
{
    /// <param name="server">The API server's version, and the oldest node's (a cluster whose nodes are upgraded too).</param>
    /// <returns>The injected pod, what it needs and what the client is told (no warnings: empty).</returns>
    public static (V1Pod Pod, ServiceAccountRequest ServiceAccount, InjectionStatus Status, IReadOnlyList<string> Warnings) Inject(
        V1Pod pod, InjectorOptions? options = null, Version? server = null, string? hint = null, ServiceAccountAvailability dedicated = ServiceAccountAvailability.Assumed)
    {
        var context = new InjectionContext("shop", DryRun: dedicated != ServiceAccountAvailability.Assumed, ServerVersion: server, LeaseNameHint: hint, DedicatedAccount: dedicated, OldestKubelet: server);
        var result = new PodInjector(options ?? new InjectorOptions()).Inject(pod, context);
        var injected = Assert.IsType<InjectedPod>(result.Injected);
        return (injected.Pod, injected.ServiceAccount, injected.Status, result.Warnings ?? []);
    }

    public static V1Container Elector(V1Pod pod) =>
        PodContainers.All(pod.Spec).Single(c => c.Name == ElectorHttp.ContainerName);

    public static Dictionary<string, string> Env(V1Container container) =>
        container.Env.ToDictionary(e => e.Name, e => e.Value ?? "fieldRef:" + e.ValueFrom?.FieldRef?.FieldPath);
}

using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Kube.Workloads;

/// <summary>A pod's containers as the webhook and the plugin look at them: init containers (native sidecars among them) and app containers alike.</summary>
public static class PodContainers
{
    /// <summary>Init containers first, then the app containers; none for a pod without a spec.</summary>
    public static IEnumerable<V1Container> All(V1PodSpec? spec) =>
        (spec?.InitContainers ?? []).Concat(spec?.Containers ?? []);

    /// <summary>The injected elector (<see cref="ElectorHttp.ContainerName"/>), a regular container or a native sidecar; null when the pod has none.</summary>
    public static V1Container? Elector(V1PodSpec? spec) => All(spec).FirstOrDefault(c => c.Name == ElectorHttp.ContainerName);
}

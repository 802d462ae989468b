using System.Globalization;
using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.Elector.PodDeletion;

/// <summary>
/// Reads whether a pod's app containers are ready as its kubelet reports them: every entry of <c>spec.containers</c>
/// but the elector, by its <c>status.containerStatuses[].ready</c>. The kubelet sets <c>ready</c> from the container's
/// readinessProbe, and for a container without one, while it runs (and has passed its startupProbe, if any): a crashed
/// or crash-looping container, one still waiting for its image, and one that exited are not ready
/// (<c>pkg/kubelet/prober/prober_manager.go</c>, <c>UpdatePodStatus</c>). The pod's <c>Ready</c> condition needs every
/// container ready, so while one of these is not, the pod is no endpoint whoever holds the Lease.
/// </summary>
public static class AppContainerStatuses
{
    /// <summary>Why the first app container that is not ready is not, or null when all are (or the pod lists none).</summary>
    /// <param name="pod">A pod object as the API server serves it.</param>
    public static string? FirstNotReady(JsonObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var statuses = (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        foreach (var container in (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var name = Text(container["name"]);
            if (name is null || name == ElectorHttp.ContainerName)
            {
                continue;
            }

            var status = statuses.FirstOrDefault(s => Text(s["name"]) == name);
            if (status is null)
            {
                return $"container {name} has not started yet";
            }

            if (status["ready"] is JsonValue ready && ready.TryGetValue<bool>(out var isReady) && isReady)
            {
                continue;
            }

            return $"container {name} is not ready: {State(status["state"] as JsonObject)}";
        }

        return null;
    }

    private static string State(JsonObject? state)
    {
        if (state?["waiting"] is JsonObject waiting)
        {
            return Text(waiting["reason"]) is { } reason ? $"waiting ({reason})" : "waiting";
        }

        if (state?["terminated"] is JsonObject terminated)
        {
            var exit = terminated["exitCode"] is JsonValue code && code.TryGetValue<int>(out var number) ? number.ToString(CultureInfo.InvariantCulture) : "?";
            return Text(terminated["reason"]) is { } reason ? $"terminated ({reason}, exit code {exit})" : $"terminated (exit code {exit})";
        }

        return state?["running"] is not null ? "running, its readiness or startup probe has not passed" : "no state reported";
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Globalization;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.PodDeletion;

/// <summary>
/// Reads whether a pod's app containers run, as its kubelet reports them: every entry of <c>spec.containers</c> and
/// every native sidecar (an init container with <c>restartPolicy: Always</c>) but the elector, by
/// <c>status.containerStatuses</c> and <c>initContainerStatuses</c>. A container that crashed or crash-loops
/// (<c>waiting: CrashLoopBackOff</c>), was OOM-killed, waits for its image or has not started is not running; the pod
/// cannot be <c>Ready</c> then, whoever holds the Lease. Running is all it reads, not <c>ready</c>: a readinessProbe
/// the elector cannot run (<c>exec</c>, <c>grpc</c>) may pass only on the leader (a probe of the workload's own
/// Service), and a kubelet restart reports every probed container not ready until its next probe
/// (kubernetes/kubernetes#100277); following <c>ready</c> would then stop every replica from campaigning, or move the
/// leadership off a healthy node. The app's readinessProbe is followed where the elector can run it
/// (<c>Health.ProbeAppHealthCheck</c>).
/// </summary>
public static class AppContainerStatuses
{
    /// <summary>The app containers of <paramref name="pod"/> (a pod object as the API server serves it); null when its spec lists none.</summary>
    /// <remarks>
    /// A regular container that exited 0 in a pod that runs to completion (<c>restartPolicy</c> <c>OnFailure</c> or
    /// <c>Never</c>: a Job's) has finished its work, not failed (<see cref="AppContainersView.Finished"/>); native
    /// sidecars that stop then (the kubelet stops them once the regular containers are done) are part of finishing.
    /// </remarks>
    public static AppContainersView? Read(JsonObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var spec = pod["spec"] as JsonObject;
        var status = pod["status"] as JsonObject;
        var runsToCompletion = JsonFields.Text(spec?["restartPolicy"]) is "OnFailure" or "Never";
        var regular = Containers(spec?["containers"], status?["containerStatuses"], nativeSidecarsOnly: false);
        var sidecars = Containers(spec?["initContainers"], status?["initContainerStatuses"], nativeSidecarsOnly: true);
        string? notRunning = null;
        string? finished = null;
        DateTimeOffset? restarted = null;
        var any = false;
        foreach (var (name, containerStatus, isRegular) in regular.Select(c => (c.Name, c.Status, true)).Concat(sidecars.Select(c => (c.Name, c.Status, false))))
        {
            any = true;
            if (containerStatus is null)
            {
                notRunning ??= $"container {name} has not started yet";
                continue;
            }

            var state = containerStatus["state"] as JsonObject;
            if (state?["running"] is JsonObject running)
            {
                if (JsonFields.Number(containerStatus["restartCount"]) > 0 && JsonFields.Time(running["startedAt"]) is { } startedAt && (restarted is null || startedAt > restarted))
                {
                    restarted = startedAt;
                }

                continue;
            }

            if (runsToCompletion && state?["terminated"] is JsonObject done && (isRegular ? JsonFields.Number(done["exitCode"]) == 0 : finished is not null))
            {
                finished ??= $"container {name} has finished (exit code 0)";
                continue;
            }

            notRunning ??= $"container {name} is not running: {StateText(state)}";
        }

        return !any ? null
            : notRunning is null && finished is null && restarted is null ? AppContainersView.AllRunning
            : new AppContainersView(notRunning, restarted, finished);
    }

    private static IEnumerable<(string Name, JsonObject? Status)> Containers(JsonNode? specs, JsonNode? statuses, bool nativeSidecarsOnly)
    {
        var reported = (statuses as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        foreach (var container in (specs as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var name = JsonFields.Text(container["name"]);
            if (name is null || name == ElectorHttp.ContainerName || (nativeSidecarsOnly && JsonFields.Text(container["restartPolicy"]) != "Always"))
            {
                continue;
            }

            yield return (name, reported.FirstOrDefault(s => JsonFields.Text(s["name"]) == name));
        }
    }

    private static string StateText(JsonObject? state)
    {
        if (state?["waiting"] is JsonObject waiting)
        {
            return JsonFields.Text(waiting["reason"]) is { } reason ? $"waiting ({reason})" : "waiting";
        }

        if (state?["terminated"] is JsonObject terminated)
        {
            var exit = JsonFields.Number(terminated["exitCode"]) is { } code ? code.ToString(CultureInfo.InvariantCulture) : "?";
            return JsonFields.Text(terminated["reason"]) is { } reason ? $"terminated ({reason}, exit code {exit})" : $"terminated (exit code {exit})";
        }

        return "no state reported";
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

/// <summary>Records the pod-level calls in order; can be told to fail the next label patches.</summary>
public sealed class RecordingPodApi : IPodApi
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<JsonObject> Events { get; } = new();

    public int LabelFailuresToInject { get; set; }

    /// <summary>Label patches of these pods fail this many more times (each).</summary>
    public ConcurrentDictionary<string, int> LabelFailuresByPod { get; } = new();

    /// <summary>Pods that do not exist: their label patch answers 404.</summary>
    public HashSet<string> MissingPods { get; } = [];

    public string? Uid { get; set; } = "uid-from-api";

    public Task CreateEventAsync(JsonObject @event, CancellationToken cancellationToken)
    {
        Events.Enqueue(@event);
        Calls.Enqueue($"event:{@event["reason"]}");
        return Task.CompletedTask;
    }

    public Task<bool> SetRoleLabelAsync(string podName, string role, CancellationToken cancellationToken)
    {
        if (MissingPods.Contains(podName))
        {
            Calls.Enqueue($"label-missing:{podName}={role}");
            return Task.FromResult(false);
        }

        if (LabelFailuresByPod.TryGetValue(podName, out var left) && left > 0)
        {
            LabelFailuresByPod[podName] = left - 1;
            Calls.Enqueue($"label-failed:{podName}={role}");
            return Task.FromException<bool>(new HttpRequestException("connection refused (test)"));
        }

        if (LabelFailuresToInject > 0)
        {
            LabelFailuresToInject--;
            Calls.Enqueue($"label-failed:{podName}={role}");
            return Task.FromException<bool>(new HttpRequestException("connection refused (test)"));
        }

        Calls.Enqueue($"label:{podName}={role}");
        return Task.FromResult(true);
    }

    public Task<string?> GetPodUidAsync(string podName, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"get-pod:{podName}");
        return Uid is null ? Task.FromException<string?>(new HttpRequestException("forbidden (test)")) : Task.FromResult<string?>(Uid);
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;

namespace SingleActive.Elector.Tests.Kubernetes;

/// <summary>
/// Records the pod-level calls in order; can be told to fail the next label patches or fences.
/// Also keeps each pod's <c>Ready</c> and <c>ContainersReady</c> conditions as the API server would: fences set
/// them false, <see cref="KubeletReports"/> sets them from the pod's own probe, <see cref="Endpoints"/> are the pods
/// Ready is true for and <see cref="LoadBalancerTargets"/> those either is true for.
/// </summary>
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

    public int FenceFailuresToInject { get; set; }

    /// <summary>Runs at the start of every fence call with the target pod (to look at the fencer at that moment).</summary>
    public Action<string>? BeforeFence { get; set; }

    /// <summary>Every fence that reached an existing pod: the target, the condition's reason and message.</summary>
    public ConcurrentQueue<(string Pod, string Reason, string Message)> Fences { get; } = new();

    /// <summary>Each pod's Ready condition as the API server has it.</summary>
    public ConcurrentDictionary<string, bool> Ready { get; } = new();

    /// <summary>Each pod's ContainersReady condition as the API server has it.</summary>
    public ConcurrentDictionary<string, bool> ContainersReady { get; } = new();

    /// <summary>
    /// The pods a load balancer that registers pods itself would route to while their nodes are Ready: Ready, or not
    /// Ready with their containers ready (the AWS Load Balancer Controller's endpoint resolver).
    /// </summary>
    public IReadOnlyList<string> LoadBalancerTargets =>
        [.. Ready.Keys.Union(ContainersReady.Keys).Where(p => Ready.GetValueOrDefault(p) || ContainersReady.GetValueOrDefault(p)).Order(StringComparer.Ordinal)];

    /// <summary>Each pod's <c>single-active.io/role</c> label as the API server has it (label patches that went through).</summary>
    public ConcurrentDictionary<string, string> Roles { get; } = new();

    /// <summary>Lists of the Lease's pods fail with these, one each (as a refused connection or an error status would); later lists go through.</summary>
    public ConcurrentQueue<Exception> NextListFailures { get; } = new();

    /// <summary>Runs at the start of every list of the Lease's pods (to change the world while it is in flight).</summary>
    public Action? BeforeList { get; set; }

    /// <summary>How many lists of the Lease's pods were answered.</summary>
    public int Lists { get; private set; }

    /// <summary>The pods a Service would route to: Ready in the API.</summary>
    public IReadOnlyList<string> Endpoints => [.. Ready.Where(p => p.Value).Select(p => p.Key).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The pod's kubelet writes the Ready and ContainersReady conditions from its own probe of the elector's /readyz,
    /// overwriting whatever someone else set (pkg/kubelet/status: GenerateContainersReadyCondition,
    /// GeneratePodReadyCondition, mergePodStatus).
    /// </summary>
    public void KubeletReports(string pod, bool probeSucceeded) => Ready[pod] = ContainersReady[pod] = probeSucceeded;

    public Task<bool> MarkNotReadyAsync(string podName, string reason, string message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        BeforeFence?.Invoke(podName);
        if (MissingPods.Contains(podName))
        {
            Calls.Enqueue($"fence-missing:{podName}");
            return Task.FromResult(false);
        }

        if (FenceFailuresToInject > 0)
        {
            FenceFailuresToInject--;
            Calls.Enqueue($"fence-failed:{podName}");
            return Task.FromException<bool>(new HttpRequestException("403 Forbidden (test)"));
        }

        Ready[podName] = false;
        ContainersReady[podName] = false;
        Fences.Enqueue((podName, reason, message));
        Calls.Enqueue($"fence:{podName}");
        return Task.FromResult(true);
    }

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

        Roles[podName] = role;
        Calls.Enqueue($"label:{podName}={role}");
        return Task.FromResult(true);
    }

    /// <summary>Every pod this API knows (from its readiness view or its labels) and that exists, all of the one Lease, as a list would return them.</summary>
    public Task<IReadOnlyList<LeasePod>> ListLeasePodsAsync(string leaseName, CancellationToken cancellationToken)
    {
        BeforeList?.Invoke();
        if (NextListFailures.TryDequeue(out var failure))
        {
            return Task.FromException<IReadOnlyList<LeasePod>>(failure);
        }

        Lists++;
        IReadOnlyList<LeasePod> pods = [.. Ready.Keys.Union(ContainersReady.Keys).Union(Roles.Keys).Where(p => !MissingPods.Contains(p)).Order(StringComparer.Ordinal)
            .Select(p => new LeasePod(p, Ready.GetValueOrDefault(p), Roles.GetValueOrDefault(p), null, ContainersReady.GetValueOrDefault(p)))];
        return Task.FromResult(pods);
    }

    public Task<string?> GetPodUidAsync(string podName, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"get-pod:{podName}");
        return Uid is null ? Task.FromException<string?>(new HttpRequestException("forbidden (test)")) : Task.FromResult<string?>(Uid);
    }
}

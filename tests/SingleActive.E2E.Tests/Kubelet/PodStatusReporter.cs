using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Writes a pod's status as the kubelet's status manager does: one write at a time, always the latest
/// state, when it differs from what this kubelet last wrote; and every <see cref="ResyncPeriod"/>
/// (<c>syncBatch</c>/<c>needsReconcile</c>) when the API's copy — as this kubelet last saw it on its
/// watch, which a partition freezes — differs from its own view in what the kubelet owns (phase, its
/// conditions with reason, container states): so it puts its own <c>Ready</c> back after someone else
/// changed it, and writes nothing while nothing it knows of changed. A strategic merge patch of the status
/// subresource, as the kubelet sends: conditions merge by type, so conditions others own (readiness gates,
/// <c>single-active.io/candidate</c>) stay, and the reason and message of its own are set or cleared; label
/// changes by the elector (label mode) never conflict with it. A terminal phase (Succeeded, Failed) is never
/// left again.
/// </summary>
internal sealed class PodStatusReporter(IKubernetes client, V1Pod pod, IReadOnlyList<PodContainer> containers, PodAddresses addresses, Func<bool> terminating, Action<string> log)
{
    /// <summary>The kubelet status manager's <c>syncPeriod</c>.</summary>
    public static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim signal = new(0);
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly DateTime startTime = DateTime.UtcNow;
    private DateTime readySince = DateTime.UtcNow;
    private bool? lastReady;
    private string? terminalPhase;
    private string? lastWritten;
    private volatile string? observed;

    /// <summary>Succeeded or Failed once the pod ran to completion; null while it runs.</summary>
    public string? TerminalPhase => terminalPhase;

    public void Start(CancellationToken cancellationToken) => _ = LoopAsync(cancellationToken);

    public void Request() => signal.Release();

    /// <summary>The pod's status as the API returned it on the kubelet's watch.</summary>
    public void Observe(V1PodStatus? status) => observed = status is null ? null : Fingerprint(status);

    /// <summary>Writes the current status now, whatever was written before (termination, completion).</summary>
    public Task WriteNowAsync() => WriteAsync(unless: null);

    /// <param name="unless">Skip the write when the status's fingerprint equals this.</param>
    private async Task WriteAsync(Func<string?>? unless)
    {
        await writeGate.WaitAsync();
        try
        {
            var phase = terminalPhase ?? PodStatusBuilder.Phase(containers, pod.Spec.RestartPolicy);
            var status = PodStatusBuilder.Build(containers, phase, addresses, startTime, readySince, terminating());
            var ready = status.Conditions.Single(c => c.Type == "Ready").Status == "True";
            if (lastReady != ready)
            {
                readySince = DateTime.UtcNow;
                lastReady = ready;
                status = PodStatusBuilder.Build(containers, phase, addresses, startTime, readySince, terminating());
            }

            if (phase is PodStatusBuilder.Succeeded or PodStatusBuilder.Failed)
            {
                terminalPhase = phase;
            }

            var fingerprint = Fingerprint(status);
            if (unless is not null && fingerprint == unless())
            {
                return;
            }

            await client.CoreV1.PatchNamespacedPodStatusAsync(
                new V1Patch(StrategicMergePatch(status), V1Patch.PatchType.StrategicMergePatch), pod.Metadata.Name, pod.Metadata.NamespaceProperty);
            lastWritten = fingerprint;
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var signalled = await signal.WaitAsync(ResyncPeriod, cancellationToken);
                while (signal.CurrentCount > 0)
                {
                    await signal.WaitAsync(cancellationToken);
                }

                // A change of our own: write unless already written. A resync: write only if the API's copy differs.
                await WriteAsync(signalled ? () => lastWritten : () => observed);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException)
            {
                log($"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}: status write failed, retrying: {exception.Message}");
                Request();
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    /// <summary>What the kubelet owns and compares: phase, its conditions (status and reason), container states; not timestamps.</summary>
    private static string Fingerprint(V1PodStatus status)
    {
        static string Containers(IEnumerable<V1ContainerStatus>? statuses) => string.Join(
            ',',
            (statuses ?? []).OrderBy(c => c.Name, StringComparer.Ordinal).Select(c =>
                $"{c.Name}:{c.Ready}:{c.RestartCount}:{(c.State?.Running is not null ? "running" : c.State?.Terminated is { } t ? "terminated" + t.ExitCode : "waiting")}"));
        var conditions = string.Join(
            ',',
            (status.Conditions ?? []).Where(c => c.Type is "Initialized" or "Ready" or "ContainersReady" or "PodScheduled")
                .OrderBy(c => c.Type, StringComparer.Ordinal).Select(c => $"{c.Type}={c.Status}/{c.Reason}"));
        return $"{status.Phase}|{status.PodIP}|{conditions}|{Containers(status.InitContainerStatuses)}|{Containers(status.ContainerStatuses)}";
    }

    /// <summary>The status as a strategic merge patch: every condition it writes names its reason and message, null to clear what someone else left.</summary>
    private static string StrategicMergePatch(V1PodStatus status)
    {
        var patch = JsonNode.Parse(KubernetesJson.Serialize(new V1Pod { Status = status }))!;
        foreach (var condition in patch["status"]?["conditions"]?.AsArray() ?? [])
        {
            if (condition is JsonObject fields)
            {
                fields.TryAdd("reason", null);
                fields.TryAdd("message", null);
            }
        }

        return patch.ToJsonString();
    }
}

using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// Writes a pod's status whenever something changed, one write at a time and always the latest
/// state, and re-writes it every <see cref="ResyncPeriod"/> (the kubelet's status manager: its
/// <c>syncBatch</c> puts its own view back when the API's copy differs, e.g. after someone else set
/// the Ready condition). A merge patch of the status subresource, so label changes by the elector
/// (label mode) never conflict with it. A terminal phase (Succeeded, Failed) is never left again.
/// </summary>
internal sealed class PodStatusReporter(IKubernetes client, V1Pod pod, IReadOnlyList<PodContainer> containers, PodAddresses addresses, Func<bool> terminating, Action<string> log)
{
    /// <summary>The kubelet status manager's <c>syncPeriod</c>.</summary>
    public static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly DateTime _startTime = DateTime.UtcNow;
    private DateTime _readySince = DateTime.UtcNow;
    private bool? _lastReady;
    private string? _terminalPhase;

    /// <summary>Succeeded or Failed once the pod ran to completion; null while it runs.</summary>
    public string? TerminalPhase => _terminalPhase;

    public void Start(CancellationToken cancellationToken) => _ = LoopAsync(cancellationToken);

    public void Request() => _signal.Release();

    public async Task WriteNowAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            var phase = _terminalPhase ?? PodStatusBuilder.Phase(containers, pod.Spec.RestartPolicy);
            var status = PodStatusBuilder.Build(containers, phase, addresses, _startTime, _readySince, terminating());
            var ready = status.Conditions.Single(c => c.Type == "Ready").Status == "True";
            if (_lastReady != ready)
            {
                _readySince = DateTime.UtcNow;
                _lastReady = ready;
                status = PodStatusBuilder.Build(containers, phase, addresses, _startTime, _readySince, terminating());
            }

            if (phase is PodStatusBuilder.Succeeded or PodStatusBuilder.Failed)
            {
                _terminalPhase = phase;
            }

            await client.CoreV1.PatchNamespacedPodStatusAsync(
                new V1Patch(new V1Pod { Status = status }, V1Patch.PatchType.MergePatch), pod.Metadata.Name, pod.Metadata.NamespaceProperty);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ResyncPeriod, cancellationToken);
                while (_signal.CurrentCount > 0)
                {
                    await _signal.WaitAsync(cancellationToken);
                }

                await WriteNowAsync();
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
}

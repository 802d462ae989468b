using System.Diagnostics;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Elector;

/// <summary>
/// The published elector against the real kube-apiserver when the watch of its own pod stalls: its connection is held
/// open by something in between that passes nothing on any more, while new connections work (a proxy or load balancer
/// that wedged one stream; <see cref="Support.TcpRelay.FreezeOpenConnections"/>). A native-sidecar elector starts before
/// its app container and does not campaign until the container runs, as its pod's status shows it.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class StalledPodWatchTests(ControlPlaneFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly ElectionTimings Fast = new(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500));

    /// <summary>
    /// The bound: the quiet watch is cut after the relist interval (10 s after the last event it showed); the list that follows may first land on a
    /// frozen pooled connection and wait out the call deadline (10 s) before it is made again, a retry period later, on a
    /// new one; then the election's rounds (about a second here) and 8 s for a slow machine. Without the relist the
    /// container's start would show only at the watch's client-side deadline, 270 s after it opened.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10 + 10 + 2 + 8);

    private ElectorProcess? elector;
    private string namespaceName = "";

    public async Task InitializeAsync() => namespaceName = await cluster.CreateNamespaceAsync("stalled-watch");

    public async Task DisposeAsync()
    {
        if (elector is not null)
        {
            output.WriteLine($"--- {elector.Identity} log (tail)\n{string.Join('\n', elector.Process.ReadLog().Split('\n').TakeLast(25))}");
            await elector.DisposeAsync();
        }
    }

    [Fact]
    public async Task NativeSidecarBeforeItsApp_OwnPodWatchStalls_ContainerStartSeenAndLeadsWithinTheBound()
    {
        var pod = await ElectorPodObjects.CreateAsync(cluster.Client, namespaceName, "sidecar-0");
        await ElectorPodObjects.WriteAppStatusAsync(cluster.Client, namespaceName, pod.Metadata.Name, running: false);
        elector = await ElectorProcess.StartAsync(cluster, namespaceName, "sidecar", "sidecar-0", Fast, pod.Metadata.Uid);

        // It lists and watches its pod, sees the app not started, and does not campaign.
        await MetricsEventuallyAsync("single_active_elector_deletion_handover 1\n", "single_active_elector_app_containers_running 0\n");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(await elector.IsReadyAsync());

        // A change of the pod that its watch shows, so the quiet wait starts over at its first 10 s (it doubles after each
        // cut while nothing shows); then every connection it has open stops passing anything on, its pod's watch among
        // them, while new ones work.
        await cluster.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"metadata":{"annotations":{"test.single-active.io/touched":"1"}}}""", V1Patch.PatchType.MergePatch), pod.Metadata.Name, namespaceName);
        await Task.Delay(TimeSpan.FromSeconds(1));
        elector.Proxy.FreezeOpenConnections();
        await ElectorPodObjects.WriteAppStatusAsync(cluster.Client, namespaceName, pod.Metadata.Name, running: true);
        var started = Stopwatch.StartNew();
        while (!await elector.IsReadyAsync())
        {
            Assert.True(started.Elapsed < Bound + TimeSpan.FromSeconds(30), $"not ready {started.Elapsed.TotalSeconds:F1} s after its app container started");
            await Task.Delay(100);
        }

        output.WriteLine($"ready {started.Elapsed.TotalMilliseconds:F0} ms after the app container started (bound {Bound.TotalSeconds:F0} s)");
        Assert.True(started.Elapsed < Bound, $"ready only {started.Elapsed.TotalSeconds:F1} s after its app container started (bound {Bound.TotalSeconds:F0} s)");
        Assert.Contains("single_active_elector_app_containers_running 1\n", await elector.GetAsync(ElectorHttp.MetricsPath), StringComparison.Ordinal);
    }

    private async Task MetricsEventuallyAsync(params string[] lines)
    {
        var text = "";
        for (var i = 0; i < 200; i++)
        {
            try
            {
                text = await elector!.GetAsync(ElectorHttp.MetricsPath);
                if (lines.All(l => text.Contains(l, StringComparison.Ordinal)))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the elector's metrics never showed {string.Join(", ", lines.Select(l => l.Trim()))}:\n{text}");
    }
}

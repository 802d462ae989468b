using System.Net;
using System.Net.Sockets;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 12 on the strict kubelet stand-in (pods in their own network namespaces, the elector on its
/// production defaults): an app whose readinessProbe is HTTPS with a self-signed certificate, needs a
/// Host header and listens only on the pod IP still leads and leadership follows its health; deleting
/// the leader whose app takes 20 s to stop moves the single address at once, never to two.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RealNodeScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    private const string AppHost = "app.example";

    /// <summary>Issue 12: another replica is the single address within 1 s of <c>kubectl delete pod</c>.</summary>
    private static readonly TimeSpan DeletionHandoverBound = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Readiness mode adds the kubelet's next readiness probe of the new leader (the rendered probe runs
    /// every second and the kubelet has no way to probe sooner), so its bound is one probe period more.
    /// </summary>
    private static readonly TimeSpan ReadinessProbePeriod = TimeSpan.FromSeconds(1);

    private static readonly IReadOnlyDictionary<string, string> LabelMode = new Dictionary<string, string>
    {
        [Annotations.Enabled] = "true",
        [Annotations.Mode] = "label",
    };

    [Fact]
    public async Task HttpsAppProbeWithHostHeader_AppOnlyOnPodIp_ItLeadsAndLeadershipFollowsItsHealth()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "https-app");
        var ns = scenario.Namespace;
        var app = new AppShape(
            Args: ["--tls", "--listen=pod-ip", $"--require-host={AppHost}"],
            ReadinessProbe: $"{{httpGet: {{scheme: HTTPS, path: /healthz, port: 8080, httpHeaders: [{{name: Host, value: {AppHost}}}]}}, periodSeconds: 1, failureThreshold: 1}}");
        await scenario.ApplyAsync(Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.OptIn, app: app));
        var pods = await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(60));
        Assert.All(pods, pod => Assert.Equal("https", AppProbeSpec.Parse(Scenario.ElectorEnvValue(pod, ElectorEnv.AppProbe)!, out _)?.Scheme));
        var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(30));
        await Electors.WaitUntilAllAnswerAsync(scenario, "web");

        // The app really is only on the pod IP: inside the pod, loopback is refused (an elector that
        // checked 127.0.0.1 would never see it healthy).
        var inside = scenario.Nodes.NodeOf(ns, leader)!.PodNetworkNamespace(ns, leader)!;
        using (var socket = inside.CreateSocket(AddressFamily.InterNetworkV6))
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, 8080)));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var at = timeline.Mark($"app of leader {leader} turns unhealthy");
        scenario.Nodes.SetAppReady(ns, leader, ready: false);
        var successor = await Eventually.SucceedsAsync(
            () => Task.FromResult(timeline.Samples.FirstOrDefault(s => s.At > at && s.Ready == 1 && s.Addresses[0] != leader)
                ?? throw new InvalidOperationException("no other single address yet")),
            TimeSpan.FromSeconds(30),
            "a healthy replica as the single address",
            TimeSpan.FromMilliseconds(50));
        var status = await Electors.StatusAsync(scenario, successor.Addresses[0]);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();
        var rendered = timeline.Render($"HTTPS app probe with a Host header, app on the pod IP only: app of {leader} unhealthy; {successor.Addresses[0]} leads after {(successor.At - at).TotalMilliseconds:0} ms");
        output.WriteLine(rendered);
        Assert.True(timeline.MaxReady() <= 1, rendered);
        Assert.True((bool?)status?["isLeader"], $"{successor.Addresses[0]} serves but its elector does not lead: {status}");
    }

    [Theory]
    [InlineData("label")]
    [InlineData("readiness")]
    public async Task DeleteLeaderPod_AppTakes20sToStop_AnotherSingleAddressAtOnceNeverTwo(string mode)
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, $"slow-stop-{mode}");
        var ns = scenario.Namespace;
        var label = mode == "label";
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web", extraSelector: label ? $"{Labels.Role}: {Labels.Leader}" : null) + "---\n" +
            Manifests.Deployment(ns, "web", 3, label ? LabelMode : Manifests.OptIn, app: new AppShape(Args: ["--shutdown-seconds=20"], TerminationGracePeriodSeconds: 30)));
        await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(60));
        var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(20));
        await Electors.WaitUntilAllAnswerAsync(scenario, "web");

        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var at = timeline.Mark($"kubectl delete pod {leader} (its app takes 20 s to stop)");
        await scenario.KubectlAsync("delete", "pod", leader, "--wait=false");
        var successor = await Eventually.SucceedsAsync(
            () => Task.FromResult(timeline.Samples.FirstOrDefault(s => s.At > at && s.Ready == 1 && s.Addresses[0] != leader)
                ?? throw new InvalidOperationException("no other single address yet")),
            TimeSpan.FromSeconds(30),
            "another replica as the single address",
            TimeSpan.FromMilliseconds(50));
        var handover = successor.At - at;

        // Until the old pod is gone (its app stops after 20 s) and a while after: still one address.
        await Eventually.UntilAsync(async () => (await scenario.PodsAsync("web")).All(p => p.Metadata.Name != leader), TimeSpan.FromSeconds(40), $"{leader} gone");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();
        var bound = label ? DeletionHandoverBound : DeletionHandoverBound + ReadinessProbePeriod;
        var title = $"{mode} mode, regular-container elector: delete the leader whose app takes 20 s to stop; single address after {handover.TotalMilliseconds:0} ms";
        var rendered = timeline.Render(title);
        output.WriteLine(rendered);
        timeline.Save($"slow-stop-{mode}-regular", title);
        Assert.True(timeline.MaxReady() <= 1, rendered);
        Assert.True(handover <= bound, $"another single address {handover.TotalMilliseconds:0} ms after the deletion (bound {bound.TotalMilliseconds:0} ms)\n{rendered}");
    }
}

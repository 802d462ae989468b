using k8s;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 11 on the real control plane with three process kubelets (one replica per node): the successor
/// fences the previous holder through the API server, so a Service never has two addresses — when the
/// leader's whole node is cut off, when the leader steps down for its app's health, when its elector is
/// restarted without the pod being deleted, and (label mode) when the new leader's API connection hangs.
/// Every timeline is sampled every 100 ms and the Endpoints object is watched as well (every version the
/// endpoints controller wrote counts), and saved under artifacts/e2e for docs/benchmarks.md.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FencingScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    /// <summary>The rendered defaults (<see cref="ElectionTimings.Default"/>): lease duration 15 s, renew deadline 10 s.</summary>
    private static readonly ElectionTimings Timings = ElectionTimings.Default;

    /// <summary>Issue 11: a new leader's address appears within lease duration + 3 s of the partition.</summary>
    private static readonly TimeSpan PartitionTakeoverBound = Timings.LeaseDuration + TimeSpan.FromSeconds(3);

    /// <summary>Issue 11: exactly one pod is labelled leader within the renew deadline "plus a few seconds" (5 s here).</summary>
    private static readonly TimeSpan FrozenHandoverBound = Timings.RenewDeadline + TimeSpan.FromSeconds(5);

    private const int Rounds = 5;

    [Theory]
    [InlineData("readiness")]
    [InlineData("label")]
    public async Task PartitionLeadersNode_NeverTwoAddresses_NewLeaderWithinLeaseDurationPlus3s(string mode)
    {
        await using var scenario = await StartAsync($"fence-partition-{mode}", mode);
        var ns = scenario.Namespace;
        var leader = await SteadyLeaderAsync(scenario);
        var node = scenario.Nodes.NodeOf(ns, leader) ?? throw new InvalidOperationException($"{leader} runs on no node");

        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var cutAt = timeline.Mark($"partition {node.NodeName}, the node of leader {leader}");
        node.Partition();
        try
        {
            var successor = await timeline.NextSingleAddressAsync(leader, cutAt, PartitionTakeoverBound + TimeSpan.FromSeconds(15));
            var takeover = successor.At - cutAt;
            output.WriteLine($"{mode}: {successor.Addresses[0]} is the single address {takeover.TotalMilliseconds:0} ms after the partition of {node.NodeName}");

            // The partitioned leader's processes still run and answer on the pod network; it knows it lost.
            Assert.True(scenario.Nodes.IsRunning(ns, leader));
            var status = await Electors.StatusAsync(scenario, leader);
            Assert.False((bool?)status?["isLeader"], $"the partitioned elector still says it leads: {status}");
            if (mode == "readiness")
            {
                // The fence set ContainersReady too: load balancers that register pods themselves (the AWS Load Balancer
                // Controller) route to a pod not Ready whose containers are, while its node is still Ready, as it is here.
                var fenced = await cluster.Client.CoreV1.ReadNamespacedPodAsync(leader, ns);
                var conditions = (fenced.Status?.Conditions ?? []).Where(c => c.Type is "Ready" or "ContainersReady").ToList();
                Assert.Equal(["ContainersReady:False", "Ready:False"], conditions.Select(c => $"{c.Type}:{c.Status}").Order(StringComparer.Ordinal));
            }

            await Task.Delay(TimeSpan.FromSeconds(3));

            // The link comes back: the old node's kubelet re-reports its own probe results ("not ready"
            // in readiness mode), the old elector rejoins as a standby: still one address.
            timeline.Mark($"heal {node.NodeName}");
            node.Heal();
            await Task.Delay(PodStatusReporter.ResyncPeriod + TimeSpan.FromSeconds(3));
            await timeline.StopAsync();
            var rendered = timeline.Render($"{mode} mode: partition of the leader's node");
            output.WriteLine(rendered);
            timeline.Save($"fence-partition-{mode}", $"{mode} mode: partition of the leader's node; takeover {takeover.TotalMilliseconds:0} ms");
            Assert.True(timeline.MaxReady() <= 1, "two addresses at once:\n" + rendered);
            Assert.True(takeover <= PartitionTakeoverBound, $"the new leader's address appeared {takeover.TotalMilliseconds:0} ms after the partition (bound {PartitionTakeoverBound.TotalMilliseconds:0} ms)\n{rendered}");
            Assert.Equal([successor.Addresses[0]], await scenario.EndpointAddressesAsync("web"));
        }
        finally
        {
            if (node.IsPartitioned)
            {
                node.Heal();
            }
        }
    }

    /// <summary>Issue 11, hole 2: the leader's app turns unhealthy, it releases the Lease, a standby serves — five rounds.</summary>
    [Fact]
    public async Task AppHealthStepDown_FiveRounds_NeverTwoAddresses()
    {
        await using var scenario = await StartAsync("fence-stepdown", "readiness", withAppProbe: true);
        var ns = scenario.Namespace;
        var leader = await SteadyLeaderAsync(scenario);
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        var handovers = new List<TimeSpan>();
        for (var round = 1; round <= Rounds; round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var at = timeline.Mark($"round {round}: app of leader {leader} turns unhealthy");
            scenario.Nodes.SetAppReady(ns, leader, ready: false);
            var next = await timeline.NextSingleAddressAsync(leader, at, TimeSpan.FromSeconds(30));
            handovers.Add(next.At - at);
            timeline.Mark($"round {round}: app of {leader} healthy again");
            scenario.Nodes.SetAppReady(ns, leader, ready: true);
            leader = next.Addresses[0];
            await Electors.WaitUntilAllAnswerAsync(scenario, "web");
        }

        await FinishAsync(timeline, "fence-stepdown", "readiness mode: app-health step-down, five rounds", handovers);
    }

    /// <summary>Issue 11, hole 2: the leader's elector gets SIGTERM (restarted, the pod is not deleted) — five rounds per mode.</summary>
    [Theory]
    [InlineData("readiness")]
    [InlineData("label")]
    public async Task SigtermToLeadersElector_FiveRounds_NeverTwoAddresses(string mode)
    {
        await using var scenario = await StartAsync($"fence-sigterm-{mode}", mode);
        var ns = scenario.Namespace;
        var leader = await SteadyLeaderAsync(scenario);
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        var handovers = new List<TimeSpan>();
        for (var round = 1; round <= Rounds; round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var at = timeline.Mark($"round {round}: SIGTERM to the elector of leader {leader} (restarted, pod kept)");
            var restart = scenario.Nodes.RestartContainerAsync(ns, leader, ElectorHttp.ContainerName);
            var next = await timeline.NextSingleAddressAsync(leader, at, TimeSpan.FromSeconds(30));
            handovers.Add(next.At - at);
            await restart;
            leader = next.Addresses[0];
            await Eventually.UntilAsync(() => Task.FromResult(scenario.Nodes.ElectorUrl(ns, next.Addresses[0]) is not null), TimeSpan.FromSeconds(10), "the new leader's elector");
            await Electors.WaitUntilAllAnswerAsync(scenario, "web");
        }

        await FinishAsync(timeline, $"fence-sigterm-{mode}", $"{mode} mode: SIGTERM to the leader's elector, five rounds", handovers);
    }

    /// <summary>
    /// Issue 11, holes 4 and 5, label mode: the standbys' open API connections hang (kept open, nothing
    /// forwarded; new connections work) when the leader steps down (its app turns unhealthy; the pod stays,
    /// so no fresh replacement pod competes), so whichever standby leads next finds its watch, its pooled
    /// connections and its first calls dead and must go on over new ones.
    /// </summary>
    [Fact]
    public async Task LabelMode_NewLeadersConnectionFrozenDuringHandover_OneLeaderWithinRenewDeadlinePlus5s()
    {
        await using var scenario = await StartAsync("fence-frozen", "label", withAppProbe: true);
        var ns = scenario.Namespace;
        var leader = await SteadyLeaderAsync(scenario);
        var standbys = (await scenario.PodsAsync("web")).Select(p => p.Metadata.Name).Where(p => p != leader).ToList();
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        foreach (var standby in standbys)
        {
            var relay = scenario.Nodes.NodeOf(ns, standby)?.PodApiConnections(ns, standby) ?? throw new InvalidOperationException($"{standby} is not running");
            output.WriteLine($"{standby}: freezing its {relay.OpenConnections} open API connection(s)");
            relay.FreezeOpenConnections();
        }

        var at = timeline.Mark($"standbys' open API connections frozen; the app of leader {leader} turns unhealthy");
        scenario.Nodes.SetAppReady(ns, leader, ready: false);
        var next = await timeline.NextSingleAddressAsync(leader, at, FrozenHandoverBound + TimeSpan.FromSeconds(10));
        var handover = next.At - at;
        output.WriteLine($"one leader ({next.Addresses[0]}) {handover.TotalMilliseconds:0} ms after the handover started");
        Assert.Contains(next.Addresses[0], standbys);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await AssertOnlyLabelledAsync(scenario, next.Addresses[0]);
        await FinishAsync(timeline, "fence-frozen-connection", "label mode: the standbys' API connections frozen during a handover", [handover], FrozenHandoverBound);
    }

    private async Task<Scenario> StartAsync(string prefix, string mode, bool withAppProbe = false)
    {
        var scenario = await Scenario.StartAsync(cluster, output, prefix);
        var ns = scenario.Namespace;
        var label = mode == "label";
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web", extraSelector: label ? $"{Labels.Role}: {Labels.Leader}" : null) + "---\n" +
            Manifests.Deployment(ns, "web", 3, label ? Manifests.LabelMode : Manifests.OptIn, withAppProbe: withAppProbe, app: new AppShape(OnePerNode: true)));
        return scenario;
    }

    /// <summary><see cref="Electors.SteadyLeaderAsync"/>, with the three replicas on three nodes.</summary>
    private static async Task<string> SteadyLeaderAsync(Scenario scenario)
    {
        var leader = await Electors.SteadyLeaderAsync(scenario);
        Assert.Equal(3, (await scenario.PodsAsync("web")).Select(p => p.Spec.NodeName).Distinct().Count());
        return leader;
    }

    private async Task FinishAsync(EndpointTimeline timeline, string name, string title, IReadOnlyList<TimeSpan> handovers, TimeSpan? bound = null)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();
        var figures = string.Join(", ", handovers.Select(h => $"{h.TotalMilliseconds:0} ms"));
        var rendered = timeline.Render($"{title}; handovers {figures}");
        output.WriteLine(rendered);
        timeline.Save(name, $"{title}; handovers {figures}");
        Assert.True(timeline.MaxReady() <= 1, "two addresses at once:\n" + rendered);
        if (bound is { } limit)
        {
            Assert.All(handovers, h => Assert.True(h <= limit, $"one leader only after {h.TotalMilliseconds:0} ms (bound {limit.TotalMilliseconds:0} ms)\n{rendered}"));
        }
    }

    /// <summary>Exactly <paramref name="leader"/> carries the leader label (the deleted pod, if still there, and its replacement too are standbys).</summary>
    private static Task AssertOnlyLabelledAsync(Scenario scenario, string leader) =>
        Eventually.UntilAsync(
            async () =>
            {
                var labelled = (await scenario.PodsAsync("web"))
                    .Where(p => p.Metadata.Labels.TryGetValue(Labels.Role, out var role) && role == Labels.Leader)
                    .Select(p => p.Metadata.Name).ToList();
                return labelled.Count == 1 && labelled[0] == leader;
            },
            TimeSpan.FromSeconds(2),
            $"{leader} as the only pod labelled {Labels.Role}={Labels.Leader}");
}

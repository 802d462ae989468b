using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 15 on the real control plane with the kubelet stand-in (three nodes): maintenance moves leadership once, on
/// purpose. <c>kubectl cordon</c> then <c>kubectl drain</c> of the leader's node under a PodDisruptionBudget
/// <c>minAvailable: 1</c> hands over to a pod on another node before the eviction and the drain completes;
/// <c>kubectl scale --replicas=1</c> keeps the leader; <c>kubectl rollout restart</c> hands over once, to a pod of the
/// new revision; a leader's kubelet that stops reporting (its pods marked not ready) hands over once, to another node. Never two addresses (every watched Endpoints version); handovers are counted from the Lease's
/// <c>leaseTransitions</c>, the time without an address from the Endpoints watch.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class MaintenanceScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    /// <summary>
    /// The handover after a cordon: the node watch's event, one directed handover; in readiness mode the old
    /// leader's kubelet must first report it not ready (one probe period) and the new one's probe it ready.
    /// </summary>
    private static readonly TimeSpan CordonHandoverBound = TimeSpan.FromSeconds(5);

    /// <summary>The node lifecycle controller's default <c>--node-monitor-grace-period</c> (tests/envtest/control-plane.sh keeps it).</summary>
    private static readonly TimeSpan NodeMonitorGracePeriod = TimeSpan.FromSeconds(40);

    /// <summary>
    /// From the leader's address leaving the Endpoints (the controller marks its pod not ready) to the new leader's: the
    /// release waits out the longest a kubelet takes to see the elector not ready (3 s for the rendered probe: a kubelet
    /// that stopped reporting never confirms it, and the controller's mark is not the kubelet's view), plus 3 s for the
    /// controller's taint (the same pass), the node watch's event, the handover and the new leader's probe.
    /// </summary>
    private static readonly TimeSpan NodeUnreachableHandoverBound = ReadinessProbeTimings.Default.KubeletCatchUp + TimeSpan.FromSeconds(3);

    [Fact]
    public async Task CordonThenDrain_ReadinessModeWithPdbMinAvailable1_OneHandoverToAnotherNodeBeforeTheEviction_DrainCompletes()
    {
        await using var scenario = await StartAsync("drain", "readiness", pdb: true, onePerNode: true);
        var ns = scenario.Namespace;
        var leader = await Electors.SteadyLeaderAsync(scenario);
        var node = scenario.Nodes.NodeOf(ns, leader)!.NodeName;
        var transitions = await TransitionsAsync(scenario);
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        using var deletions = PodDeletionWatch.Start(cluster.Client, ns, timeline);
        await Task.Delay(TimeSpan.FromSeconds(1));
        try
        {
            var cordonedAt = timeline.Mark($"kubectl cordon {node} (leader {leader})");
            var cordon = await cluster.KubectlAsync("cordon", node);
            Assert.True(cordon.ExitCode == 0, $"kubectl cordon failed: {cordon.StdErr}");

            // Given its time to hand over before the drain starts; the drain itself must not need it (the PDB refuses
            // the leader's eviction while it is the only Ready pod; kubectl retries every 5 s).
            var moved = await timeline.NextSingleAddressOrNullAsync(leader, cordonedAt, TimeSpan.FromSeconds(10));
            var drainAt = timeline.Mark($"kubectl drain {node}");
            var drain = await cluster.KubectlAsync("drain", node, "--pod-selector", "app=web", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=120s");
            timeline.Mark($"kubectl drain exited {drain.ExitCode}");
            output.WriteLine($"$ kubectl drain {node} --pod-selector app=web (exit {drain.ExitCode})\n{drain.StdOut}{drain.StdErr}");
            var drainTook = timeline.Elapsed - drainAt;
            var next = moved ?? await timeline.NextSingleAddressOrNullAsync(leader, cordonedAt, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(3));
            await timeline.StopAsync();

            var handovers = await TransitionsAsync(scenario) - transitions;
            var gap = timeline.LongestZeroGap();
            var moment = next is null ? "the leader never moved" : $"{(next.At - cordonedAt).TotalMilliseconds:0} ms after the cordon";
            var title = $"readiness mode, PDB minAvailable 1: cordon, then drain of {node}; {handovers} handover(s), {moment}; drain {(drain.ExitCode == 0 ? "completed" : "failed")} after {drainTook.TotalSeconds:0.0} s; longest time without an address {gap.TotalMilliseconds:0} ms";
            var rendered = timeline.Render(title);
            output.WriteLine(rendered);
            timeline.Save("drain-readiness-pdb", title);

            Assert.True(drain.ExitCode == 0, $"kubectl drain failed:\n{drain.StdOut}{drain.StdErr}");
            Assert.NotNull(next);
            Assert.True(timeline.MaxReady() <= 1, rendered);
            Assert.Equal(1, handovers);
            var holder = await scenario.LeaseHolderAsync("web");
            Assert.Equal(next.Addresses[0], holder);
            Assert.NotEqual(node, (await cluster.Client.CoreV1.ReadNamespacedPodAsync(holder, ns)).Spec.NodeName);
            Assert.True(next.At - cordonedAt <= CordonHandoverBound, $"handover {(next.At - cordonedAt).TotalMilliseconds:0} ms after the cordon (bound {CordonHandoverBound.TotalMilliseconds:0} ms)\n{rendered}");
            var evicted = deletions.DeletionSeen(leader);
            Assert.True(evicted is { } at && at > next.At && at > drainAt, $"the old leader's deletion was seen at {evicted?.TotalMilliseconds:0} ms, the handover at {next.At.TotalMilliseconds:0} ms\n{rendered}");
        }
        finally
        {
            await cluster.KubectlAsync("uncordon", node);
        }
    }

    /// <summary>
    /// The leader's kubelet stops reporting (hung, stopped, its own connection cut) while the pods and their API
    /// connections work on. After its 40 s grace period the real node lifecycle controller marks the node Unknown,
    /// taints it <c>node.kubernetes.io/unreachable</c> and marks its pods not ready: the Service loses the leader while
    /// its elector, which still reaches the API server, could renew for as long as the taint-based eviction waits (300 s).
    /// The elector takes the taint as a drain: one handover, to a pod on another node, within
    /// <see cref="NodeUnreachableHandoverBound"/> of the leader's address leaving the Endpoints. Never two addresses.
    /// </summary>
    [Fact]
    public async Task KubeletOfTheLeadersNodeStopsReporting_OneHandoverToAnotherNodeSoonAfterItsPodsAreMarkedNotReady()
    {
        await using var scenario = await StartAsync("kubelet-down", "readiness", pdb: false, onePerNode: true);
        var ns = scenario.Namespace;
        var leader = await Electors.SteadyLeaderAsync(scenario);
        var kubelet = scenario.Nodes.NodeOf(ns, leader)!;
        var node = kubelet.NodeName;
        var transitions = await TransitionsAsync(scenario);
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        try
        {
            var stoppedAt = timeline.Mark($"the kubelet of {node} stops reporting (leader {leader})");
            kubelet.StopReporting();
            var next = await timeline.NextSingleAddressOrNullAsync(leader, stoppedAt, NodeMonitorGracePeriod + TimeSpan.FromSeconds(45));
            await Task.Delay(TimeSpan.FromSeconds(3));
            await timeline.StopAsync();

            var handovers = await TransitionsAsync(scenario) - transitions;
            var lostAt = timeline.First(0, stoppedAt)?.At;
            var moment = next is null ? "the leader never moved" : $"{(next.At - stoppedAt).TotalSeconds:0.0} s after the kubelet stopped, {(next.At - lostAt)?.TotalMilliseconds:0} ms after the leader's address left";
            var title = $"readiness mode: the kubelet of {node} stops reporting; {handovers} handover(s), {moment}; longest time without an address {timeline.LongestZeroGap().TotalMilliseconds:0} ms";
            var rendered = timeline.Render(title);
            output.WriteLine(rendered);
            timeline.Save("kubelet-stops-reporting", title);

            Assert.True(next is not null, $"no other pod became the only address within {(NodeMonitorGracePeriod + TimeSpan.FromSeconds(45)).TotalSeconds:0} s\n{rendered}\n{await HandoverEvidenceAsync(scenario, leader)}");
            Assert.True(timeline.MaxReady() <= 1, rendered);
            Assert.True(handovers == 1, $"{handovers} handovers\n{rendered}\n{await HandoverEvidenceAsync(scenario, leader)}");
            var holder = await scenario.LeaseHolderAsync("web");
            Assert.Equal(next.Addresses[0], holder);
            Assert.NotEqual(node, (await cluster.Client.CoreV1.ReadNamespacedPodAsync(holder, ns)).Spec.NodeName);
            Assert.True(lostAt is not null && next.At - lostAt <= NodeUnreachableHandoverBound, $"the new leader's address {(next.At - lostAt)?.TotalMilliseconds:0} ms after the old one left (bound {NodeUnreachableHandoverBound.TotalMilliseconds:0} ms)\n{rendered}");
        }
        finally
        {
            // The next scenarios need the node back: wait until the controller has taken its taint off (logged, not
            // thrown, so that a failure above is the one reported).
            kubelet.ResumeReporting();
            try
            {
                await Eventually.UntilAsync(
                    async () => (await cluster.Client.CoreV1.ReadNodeAsync(node)).Spec.Taints?.Any(t => t.Key == "node.kubernetes.io/unreachable") != true,
                    TimeSpan.FromSeconds(60), $"node {node} untainted after its kubelet reports again");
            }
            catch (Exception e)
            {
                output.WriteLine($"node {node} not back: {e.Message}");
            }
        }
    }

    [Fact]
    public async Task ScaleThreeToOne_ReadinessMode_KeepsTheLeaderZeroHandovers()
    {
        await using var scenario = await StartAsync("scale-in", "readiness", pdb: false, onePerNode: true);
        var ns = scenario.Namespace;
        var leader = await Electors.SteadyLeaderAsync(scenario);
        // Measured either way (a baseline without deletion costs is measured, not stopped here), asserted below.
        var costs = await Eventually.SucceedsAsync(async () => await DeletionCostsAsync(scenario, leader) ? true : throw new InvalidOperationException("not yet"), TimeSpan.FromSeconds(20), "the leader's pod-deletion-cost high, the standbys' low")
            .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        var transitions = await TransitionsAsync(scenario);
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));

        timeline.Mark($"kubectl scale deployment/web --replicas=1 (leader {leader})");
        output.WriteLine(await scenario.KubectlAsync("scale", "deployment/web", "--replicas=1"));
        await Eventually.UntilAsync(async () => (await scenario.PodsAsync("web")).Count == 1, TimeSpan.FromSeconds(60), "one pod left");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await timeline.StopAsync();
        var handovers = await TransitionsAsync(scenario) - transitions;
        var kept = (await scenario.PodsAsync("web")).Single().Metadata.Name == leader;
        var title = $"readiness mode: scale 3 to 1; {handovers} handover(s); the leader {(kept ? "kept" : "removed")}; deletion costs {(costs ? "set" : "not set")}; longest time without an address {timeline.LongestZeroGap().TotalMilliseconds:0} ms";
        var rendered = timeline.Render(title);
        output.WriteLine(rendered);
        timeline.Save("scale-in-readiness", title);

        Assert.True(costs, "the pods' pod-deletion-cost did not follow their roles");
        Assert.True(kept, rendered);
        Assert.Equal(0, handovers);
        Assert.Equal(leader, await scenario.LeaseHolderAsync("web"));
        Assert.True(timeline.MaxReady() <= 1, rendered);
        Assert.DoesNotContain(timeline.Samples, s => s.Ready == 0);
    }

    [Theory]
    [InlineData("label")]
    [InlineData("readiness")]
    public async Task RolloutRestart_ThreeReplicas_OneHandoverToAPodOfTheNewRevisionNeverTwo(string mode)
    {
        // No anti-affinity: a surge pod must find a node while the three old ones still run.
        await using var scenario = await StartAsync($"restart-{mode}", mode, pdb: false, onePerNode: false);
        var leader = await Electors.SteadyLeaderAsync(scenario);

        await RolloutRestartAsync(scenario, $"{mode} mode: rollout restart of 3 replicas", $"leader {leader}", $"rollout-restart-{mode}");
    }

    /// <summary>
    /// The order that hands over twice without a successor preference: the ReplicaSet controller deletes the leader
    /// first. Every other node is tainted (a taint no drain list names) so the surge pods land beside the leader, and
    /// 1.20's ReplicaSet controller removes first the old pod that shares a node with them (its "doubled up" rank).
    /// </summary>
    [Fact]
    public async Task RolloutRestart_LabelMode_LeaderDeletedFirst_OneHandoverToThePodOfTheNewRevision()
    {
        await using var scenario = await StartAsync("restart-leader-first", "label", pdb: false, onePerNode: false);
        var ns = scenario.Namespace;
        var leader = await Electors.SteadyLeaderAsync(scenario);
        var leaderNode = scenario.Nodes.NodeOf(ns, leader)!.NodeName;
        var others = scenario.Nodes.Nodes.Select(n => n.NodeName).Where(n => n != leaderNode).ToList();
        try
        {
            foreach (var node in others)
            {
                await cluster.KubectlAsync("taint", "node", node, "e2e.single-active.io/hold=1:NoSchedule");
            }

            // The new pods land beside the leader too, so a second restart, if one is needed, starts from the same situation.
            await RolloutRestartAsync(scenario, "label mode: rollout restart of 3 replicas, surge pods beside the leader (deleted first)", $"leader {leader} on {leaderNode}; other nodes tainted", "rollout-restart-label-leader-first");
        }
        finally
        {
            foreach (var node in others)
            {
                await cluster.KubectlAsync("taint", "node", node, "e2e.single-active.io/hold-");
            }
        }
    }

    /// <summary>
    /// <see cref="RolloutRestartOnceAsync"/>, done once more only when a first run missed its one handover while its own
    /// sampler shows the machine froze (samples more than <see cref="EndpointTimeline.StallEvidence"/> apart): the leader
    /// plans its successor within a second of its pod's deletion, and a freeze of that second leaves it releasing to any
    /// standby, an old one, which hands over again (seen in a dual-stack pass: a 1 s gap between samples, the plan's pod
    /// list cancelled). Never for two addresses at once, which fails at once.
    /// </summary>
    private async Task RolloutRestartAsync(Scenario scenario, string what, string situation, string save)
    {
        if (await RolloutRestartOnceAsync(scenario, what, situation, save, lastTry: false) is { } stall)
        {
            output.WriteLine($"the run missed its one handover and its sampler stalled for {stall.TotalMilliseconds:0} ms: once more");
            await RolloutRestartOnceAsync(scenario, what, situation, save, lastTry: true);
        }
    }

    /// <summary>
    /// <c>kubectl rollout restart</c> of web, measured on its Endpoints and Lease: exactly one handover, to a pod of the
    /// Deployment's newest ReplicaSet, never two addresses. <paramref name="what"/> begins the saved timeline's title.
    /// </summary>
    /// <returns>The sampler's longest stall when the run is to be done again (see <see cref="RolloutRestartAsync"/>); <c>null</c> when it passed.</returns>
    private async Task<TimeSpan?> RolloutRestartOnceAsync(Scenario scenario, string what, string situation, string save, bool lastTry)
    {
        var ns = scenario.Namespace;
        var leader = await scenario.LeaseHolderAsync("web");
        var transitions = await TransitionsAsync(scenario);
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var restartedAt = timeline.Mark($"kubectl rollout restart deployment/web ({situation})");
        await scenario.KubectlAsync("rollout", "restart", "deployment/web");
        await scenario.WaitForRolloutAsync("web", TimeSpan.FromSeconds(120));
        var completedAt = timeline.Mark("every replica updated, no old pod left");
        var newLeader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await timeline.StopAsync();

        var handovers = await TransitionsAsync(scenario) - transitions;
        var title = $"{what}; {handovers} handover(s); completed after {(completedAt - restartedAt).TotalMilliseconds:0} ms; longest time without an address {timeline.LongestZeroGap().TotalMilliseconds:0} ms";
        var rendered = timeline.Render(title);
        output.WriteLine(rendered);
        timeline.Save(save, title);

        Assert.True(timeline.MaxReady() <= 1, rendered);
        if (handovers != 1 && !lastTry && timeline.LongestSamplingGap(restartedAt, completedAt) is var gap && gap > EndpointTimeline.StallEvidence)
        {
            output.WriteLine(await HandoverEvidenceAsync(scenario, leader));
            return gap;
        }

        Assert.True(handovers == 1, $"{handovers} handovers\n{rendered}\n{await HandoverEvidenceAsync(scenario, leader)}");
        Assert.Equal(newLeader, await scenario.LeaseHolderAsync("web"));
        Assert.Equal(await NewestReplicaSetAsync(scenario, "web"), OwnerOf(await cluster.Client.CoreV1.ReadNamespacedPodAsync(newLeader, ns)));
        return null;
    }

    /// <summary>
    /// For a failure message: the Lease's last handover as its electors recorded it, and the log of the elector that led
    /// before (why its release named a successor or did not).
    /// </summary>
    private static async Task<string> HandoverEvidenceAsync(Scenario scenario, string? leader)
    {
        var lease = await scenario.Client.CoordinationV1.ReadNamespacedLeaseAsync("web", scenario.Namespace);
        var evidence = $"Lease annotation {Annotations.LastHandover}: {Annotation(lease.Metadata, Annotations.LastHandover) ?? "(none)"}";
        var log = leader is null ? null : scenario.Nodes.ContainerLogPath(scenario.Namespace, leader, ElectorHttp.ContainerName);
        return log is null
            ? $"{evidence}\n(no elector log of {leader ?? "the first leader"})"
            : $"{evidence}\nelector log of {leader} ({log}), last 60 lines:\n{string.Join('\n', File.ReadLines(log).TakeLast(60))}";
    }

    private async Task<Scenario> StartAsync(string prefix, string mode, bool pdb, bool onePerNode)
    {
        var scenario = await Scenario.StartAsync(cluster, output, prefix);
        var ns = scenario.Namespace;
        var label = mode == "label";
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web", extraSelector: label ? $"{Labels.Role}: {Labels.Leader}" : null) + "---\n" +
            Manifests.Deployment(ns, "web", 3, label ? Manifests.LabelMode : Manifests.OptIn, app: new AppShape(OnePerNode: onePerNode)) +
            (pdb ? "---\n" + Manifests.PodDisruptionBudget(ns, "web", minAvailable: 1) : ""));
        return scenario;
    }

    private static async Task<int> TransitionsAsync(Scenario scenario) =>
        (await scenario.Client.CoordinationV1.ReadNamespacedLeaseAsync("web", scenario.Namespace)).Spec.LeaseTransitions ?? 0;

    private static async Task<bool> DeletionCostsAsync(Scenario scenario, string leader) =>
        (await scenario.PodsAsync("web")).All(p =>
            Annotation(p.Metadata, PodDeletionCost.Annotation) == (p.Metadata.Name == leader ? PodDeletionCost.Leader : PodDeletionCost.Standby));

    private static async Task<string?> NewestReplicaSetAsync(Scenario scenario, string deployment)
    {
        const string Revision = "deployment.kubernetes.io/revision";
        var current = Annotation((await scenario.Client.AppsV1.ReadNamespacedDeploymentAsync(deployment, scenario.Namespace)).Metadata, Revision);
        return (await scenario.Client.AppsV1.ListNamespacedReplicaSetAsync(scenario.Namespace)).Items
            .FirstOrDefault(rs => Annotation(rs.Metadata, Revision) == current)?.Metadata.Name;
    }

    private static string? Annotation(V1ObjectMeta metadata, string key) =>
        metadata.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private static string? OwnerOf(V1Pod pod) => pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Name;
}

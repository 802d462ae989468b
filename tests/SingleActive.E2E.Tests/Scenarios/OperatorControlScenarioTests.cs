using k8s;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 14 on the real control plane with the strict kubelet stand-in: <c>kubectl single-active</c> (the published
/// plugin on PATH, as a user installs it) hands leadership to a named pod, refuses a pod whose app is unhealthy,
/// and a pause holds the Lease through the loss of the leader until <c>resume</c>. Never two addresses.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OperatorControlScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    /// <summary>Issue 14: the named pod leads within 1 s.</summary>
    private static readonly TimeSpan HandoverBound = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Readiness mode also waits for the old leader's kubelet to report it not ready before the release and for the
    /// new leader's kubelet to probe it ready: at most one probe period (1 s) each, since the elector answers
    /// <c>/readyz</c> at once (the probe's timeout only counts for a probe that hangs).
    /// </summary>
    private static readonly TimeSpan ReadinessModeExtra = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A handover over its bound is measured again (to another standby, this many times in all) only when the
    /// timeline shows the harness itself stalled during it (<see cref="EndpointTimeline.StallEvidence"/>); a slow
    /// handover on a healthy timeline fails at once.
    /// </summary>
    private const int HandoverAttempts = 3;

    [Theory]
    [InlineData("label")]
    [InlineData("readiness")]
    public async Task KubectlSingleActiveHandoverTo_NamedStandby_ItIsTheSingleAddressAtOnceNeverTwo(string mode)
    {
        await using var scenario = await StartAsync($"handover-{mode}", mode, withAppProbe: false);
        var ns = scenario.Namespace;
        var bound = mode == "label" ? HandoverBound : HandoverBound + ReadinessModeExtra;
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        var attempts = new List<string>();
        string target;
        EndpointSample next;
        TimeSpan handover;
        for (var attempt = 1; ; attempt++)
        {
            var leader = await Electors.SteadyLeaderAsync(scenario);
            target = (await scenario.PodsAsync("web")).Select(p => p.Metadata.Name).Where(p => p != leader).Order(StringComparer.Ordinal).First();
            await Eventually.UntilAsync(async () => await IsCandidateAsync(scenario, target), TimeSpan.FromSeconds(20), $"{target} advertising its candidacy");
            await Task.Delay(TimeSpan.FromSeconds(1));
            var at = timeline.Mark($"kubectl single-active handover web --to {target}");
            var (exit, stdout, stderr) = await scenario.PluginAsync("handover", "web", "--to", target);
            output.WriteLine($"$ kubectl single-active handover web --to {target} -n {ns}\n{stdout}{stderr}");
            Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
            next = await timeline.NextSingleAddressAsync(leader, at, TimeSpan.FromSeconds(20));
            handover = next.At - at;
            var gap = timeline.LongestSamplingGap(at, next.At);
            attempts.Add($"attempt {attempt}: {leader} to {target}, single address {next.Addresses[0]} after {handover.TotalMilliseconds:0} ms, longest gap between samples {gap.TotalMilliseconds:0} ms");
            output.WriteLine(attempts[^1]);
            if (next.Addresses[0] != target || handover <= bound || gap <= EndpointTimeline.StallEvidence || attempt == HandoverAttempts)
            {
                break;
            }

            output.WriteLine("the sampler stalled during that handover: handing over again to another standby");
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();
        var title = $"{mode} mode: kubectl single-active handover web --to {target}; single address after {handover.TotalMilliseconds:0} ms";
        var rendered = timeline.Render(title);
        output.WriteLine(rendered);
        timeline.Save($"handover-to-{mode}", title);

        Assert.Equal(target, next.Addresses[0]);
        Assert.Equal(target, await scenario.LeaseHolderAsync("web"));
        Assert.True(timeline.MaxReady() <= 1, rendered);
        Assert.True(handover <= bound, $"{target} was the single address {handover.TotalMilliseconds:0} ms after the request (bound {bound.TotalMilliseconds:0} ms; {string.Join("; ", attempts)})\n{rendered}");
    }

    [Fact]
    public async Task KubectlSingleActiveHandoverTo_PodWhoseAppIsUnhealthy_RefusedWithTheReasonLeaderKeepsLeading()
    {
        await using var scenario = await StartAsync("handover-refused", "readiness", withAppProbe: true);
        var ns = scenario.Namespace;
        var leader = await Electors.SteadyLeaderAsync(scenario);
        var target = (await scenario.PodsAsync("web")).Select(p => p.Metadata.Name).First(p => p != leader);
        scenario.Nodes.SetAppReady(ns, target, ready: false);
        await Eventually.UntilAsync(async () => !await IsCandidateAsync(scenario, target), TimeSpan.FromSeconds(20), $"{target} no longer a candidate");

        var (exit, stdout, stderr) = await scenario.PluginAsync("handover", "web", "--to", target);
        output.WriteLine($"$ kubectl single-active handover web --to {target} -n {ns}\n{stdout}{stderr}");

        Assert.Equal(1, exit);
        Assert.Contains("refused", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(target, stdout + stderr, StringComparison.Ordinal);
        Assert.Equal(leader, await scenario.LeaseHolderAsync("web"));
        Assert.Equal([leader], await scenario.EndpointAddressesAsync("web"));
    }

    [Fact]
    public async Task Pause_LeadersNodeLost_LeaseStaysItsUntilResume_ThenFailoverCompletesNeverTwo()
    {
        await using var scenario = await StartAsync("pause", "readiness", withAppProbe: false);
        var ns = scenario.Namespace;
        var leader = await Electors.SteadyLeaderAsync(scenario);
        var node = scenario.Nodes.NodeOf(ns, leader)!;
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");

        var (exit, stdout, stderr) = await scenario.PluginAsync("pause", "web");
        output.WriteLine($"$ kubectl single-active pause web -n {ns}\n{stdout}{stderr}");
        Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
        timeline.Mark($"paused; node {node.NodeName} of leader {leader} lost");
        node.Partition();
        try
        {
            // Far beyond the lease duration: nobody takes the Lease while paused.
            await Task.Delay(ElectionTimings.Default.LeaseDuration + TimeSpan.FromSeconds(5));
            Assert.Equal(leader, await scenario.LeaseHolderAsync("web"));
            Assert.DoesNotContain(timeline.Samples.Concat(timeline.Changes), s => s.Addresses.Any(a => a != leader));

            var resumedAt = timeline.Mark("kubectl single-active resume web");
            (exit, stdout, stderr) = await scenario.PluginAsync("resume", "web");
            output.WriteLine($"$ kubectl single-active resume web -n {ns}\n{stdout}{stderr}");
            Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
            var next = await timeline.NextSingleAddressAsync(leader, resumedAt, TimeSpan.FromSeconds(20));
            output.WriteLine($"failover {(next.At - resumedAt).TotalMilliseconds:0} ms after resume");

            // Healed at once, well inside the node lifecycle controller's 40 s grace: the node stays Ready in the API.
            node.Heal();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await timeline.StopAsync();
            var rendered = timeline.Render("pause, the leader's node lost, resume");
            output.WriteLine(rendered);
            Assert.True(timeline.MaxReady() <= 1, rendered);
            Assert.NotEqual(leader, await scenario.LeaseHolderAsync("web"));
        }
        finally
        {
            if (node.IsPartitioned)
            {
                node.Heal();
            }
        }
    }

    private async Task<Scenario> StartAsync(string prefix, string mode, bool withAppProbe)
    {
        var scenario = await Scenario.StartAsync(cluster, output, prefix);
        var ns = scenario.Namespace;
        var label = mode == "label";
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web", extraSelector: label ? $"{Labels.Role}: {Labels.Leader}" : null) + "---\n" +
            Manifests.Deployment(ns, "web", 3, label ? Manifests.LabelMode : Manifests.OptIn, withAppProbe: withAppProbe, app: new AppShape(OnePerNode: true)));
        return scenario;
    }

    private static async Task<bool> IsCandidateAsync(Scenario scenario, string pod) =>
        (await scenario.Client.CoreV1.ReadNamespacedPodAsync(pod, scenario.Namespace)).Status?.Conditions?
            .Any(c => c.Type == PodConditions.Candidate && c.Status == "True") == true;
}

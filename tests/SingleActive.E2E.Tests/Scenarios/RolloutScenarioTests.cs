using k8s;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 4, scenarios 3 and 4 (and issue 6's readiness-mode rollout): rollouts that never stall; scenario 5, a bad release
/// that stalls with the old leader serving under the owner's maxUnavailable 99%. They depend on the workload admission
/// (rollout strategy rewritten to maxUnavailable 100%, 99% kept).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RolloutScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    /// <summary>Scenario 3.</summary>
    [Fact]
    public async Task AnnotateRunningDeployment_NotInjected_RolloutCompletesWithInjectedPodsAndOneEndpoint()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s3-annotate");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Service(ns, "billing") + "---\n" + Manifests.Deployment(ns, "billing", 3, templateAnnotations: null));
        await scenario.KubectlAsync("rollout", "status", "deployment/billing", "--timeout=60s");
        await Eventually.UntilAsync(async () => (await scenario.EndpointAddressesAsync("billing")).Count == 3, TimeSpan.FromSeconds(20), "3 addresses before opting in");

        output.WriteLine(await scenario.KubectlAsync("annotate", "deployment", "billing", "single-active=true"));
        await scenario.WaitForRolloutAsync("billing", TimeSpan.FromSeconds(90));
        output.WriteLine(await scenario.KubectlAsync("get", "deployment", "billing"));

        var pods = await scenario.WaitForRunningPodsAsync("billing", 3, TimeSpan.FromSeconds(30));
        Assert.All(pods, pod => Assert.Contains(Annotations.Status, pod.Metadata.Annotations?.Keys ?? []));
        await scenario.WaitForSingleLeaderAsync("billing", TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await scenario.EndpointAddressesAsync("billing"));
    }

    /// <summary>Scenario 4 (readiness mode; see the comment on <c>kubectl rollout status</c>).</summary>
    [Fact]
    public async Task RolloutRestart_InjectedDeployment_CompletesWithOneEndpointNeverTwo()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s4-restart");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.OptIn));
        await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(30));
        var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(15));
        await Electors.WaitUntilAllAnswerAsync(scenario, "web");

        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var restartedAt = timeline.Mark($"kubectl rollout restart deployment/web (leader {leader})");
        await scenario.KubectlAsync("rollout", "restart", "deployment/web");
        await scenario.WaitForRolloutAsync("web", TimeSpan.FromSeconds(120));
        var completedAt = timeline.Mark("every replica updated, no old pod left");
        var newLeader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(20));
        output.WriteLine(await scenario.KubectlAsync("get", "deployment", "web"));

        // `kubectl rollout status` waits for availableReplicas == updatedReplicas. In readiness mode only the
        // leader is Ready, and the Deployment controller and the endpoints controller read the same Ready
        // condition, so with 3 replicas it can only ever report "1 of 3 updated replicas are available".
        // The rollout itself is complete (asserted above); label mode, where rollout status returns, is
        // LabelModeScenarioTests. Here we check that standbys are the only thing it waits for.
        var status = await cluster.KubectlAsync("rollout", "status", "deployment/web", "-n", ns, "--watch=false");
        timeline.Mark($"kubectl rollout status exited {status.ExitCode}");
        output.WriteLine($"$ kubectl rollout status deployment/web (exit {status.ExitCode})\n{status.StdOut}{status.StdErr}");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();

        var gap = timeline.LongestZeroGap();
        var title = $"scenario 4: rollout restart; completed after {(completedAt - restartedAt).TotalMilliseconds:0} ms; longest zero-address gap {gap.TotalMilliseconds:0} ms";
        var rendered = timeline.Render(title);
        output.WriteLine(rendered);
        output.WriteLine($"timeline: {timeline.Save("scenario4-rollout-restart", title)}");
        Assert.True(timeline.MaxReady() <= 1, "two ready addresses at once:\n" + rendered);
        Assert.NotEqual(leader, newLeader);
        Assert.Single(await scenario.EndpointAddressesAsync("web"));
        Assert.Contains("1 of 3 updated replicas are available", status.StdOut + status.StdErr);
    }

    /// <summary>
    /// A release whose app never passes its probe, in readiness mode with the owner's maxUnavailable 99%: the Deployment
    /// controller keeps the one available pod 99% asks for, the old leader, and the leader hands over to none of the new
    /// pods, whose electors advertise they cannot take over (AppUnhealthy). The rollout stalls with the old leader
    /// serving, as a plain Deployment's would; with the default 100% every old pod stops at once and nothing takes over.
    /// </summary>
    /// <remarks>
    /// A machine that freezes for a second fails the old leader's own app probe (timeout 1 s, one failure): it steps down
    /// and takes its free Lease again, a transition and a moment without an address the release did not cause. Such a run
    /// is done once more, only when its own sampler shows the freeze (samples more than
    /// <see cref="EndpointTimeline.StallEvidence"/> apart); a run that fails on a healthy timeline fails the test.
    /// </remarks>
    [Fact]
    public async Task Rollout_NewPodsNeverHealthy_StallsWithTheOldLeaderServing()
    {
        if (await BadReleaseAsync(lastTry: false) is { } stall)
        {
            output.WriteLine($"the run did not hold and its sampler stalled for {stall.TotalMilliseconds:0} ms: once more");
            await BadReleaseAsync(lastTry: true);
        }
    }

    /// <summary>One run of the bad release; the sampler's longest gap when it did not hold and may be tried again, else null (asserted).</summary>
    private async Task<TimeSpan?> BadReleaseAsync(bool lastTry)
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s5-bad-release");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.OptIn, withAppProbe: true));
        var leader = await Electors.SteadyLeaderAsync(scenario);
        var transitions = await TransitionsAsync(scenario);
        var oldHash = (await cluster.Client.CoreV1.ReadNamespacedPodAsync(leader, ns)).Metadata.Labels["pod-template-hash"];
        // The owner's choice (docs/workloads.md); the webhook keeps it where it would replace any other value by 100%.
        await scenario.KubectlAsync("patch", "deployment", "web", "-p", """{"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":"99%"}}}}""");
        Assert.Equal("99%", (await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Spec.Strategy.RollingUpdate.MaxUnavailable.Value);

        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var releasedAt = timeline.Mark($"kubectl apply of a release whose app answers its probe with 400 (leader {leader})");
        await scenario.ApplyAsync(Manifests.Deployment(ns, "web", 3, Manifests.OptIn, withAppProbe: true, app: new AppShape(Args: ["--require-host=broken.example"])));

        // Every new pod runs and its elector says it cannot take over: the leader has seen each candidacy it could have used.
        var fresh = await Eventually.SucceedsAsync(
            async () => (await scenario.PodsAsync("web")).Where(p => p.Metadata.DeletionTimestamp is null && p.Metadata.Labels["pod-template-hash"] != oldHash).ToList() is { Count: > 0 } found
                && found.All(p => p.Status?.Conditions?.Any(c => c.Type == PodConditions.Candidate && c.Status == "False" && c.Reason == PodConditions.CandidateAppUnhealthy) == true)
                    ? found
                    : throw new InvalidOperationException("the new pods have not all said they cannot take over"),
            TimeSpan.FromSeconds(60),
            "pods of the new revision, each advertising AppUnhealthy");
        timeline.Mark($"{fresh.Count} pod(s) of the new revision running, none able to take over");

        // The leader checks for a newer standby every retry period while a rollout is under way: give it five.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var stalledAt = timeline.Mark("ten seconds later");
        await timeline.StopAsync();
        var title = $"scenario 5: bad release; {(stalledAt - releasedAt).TotalMilliseconds:0} ms after it the old leader still serves";
        var rendered = timeline.Render(title);
        output.WriteLine(rendered);
        timeline.Save("scenario5-bad-release", title);

        var held = leader == await scenario.LeaseHolderAsync("web") && transitions == await TransitionsAsync(scenario) && timeline.First(0, releasedAt) is null;
        if (!held && !lastTry && timeline.LongestSamplingGap(releasedAt, stalledAt) is var gap && gap > EndpointTimeline.StallEvidence)
        {
            return gap;
        }

        Assert.Equal(leader, await scenario.LeaseHolderAsync("web"));
        Assert.Equal(transitions, await TransitionsAsync(scenario));
        Assert.Null(timeline.First(0, releasedAt));
        Assert.True(timeline.MaxReady(releasedAt) <= 1, rendered);
        Assert.Equal([leader], await scenario.EndpointAddressesAsync("web"));
        Assert.Contains(await scenario.PodsAsync("web"), p => p.Metadata.Name == leader && p.Metadata.DeletionTimestamp is null);
        return null;
    }

    private static async Task<int> TransitionsAsync(Scenario scenario) =>
        (await scenario.Client.CoordinationV1.ReadNamespacedLeaseAsync("web", scenario.Namespace)).Spec.LeaseTransitions ?? 0;
}

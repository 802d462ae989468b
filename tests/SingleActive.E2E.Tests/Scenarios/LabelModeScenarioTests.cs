using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Issue 6 on the real control plane: label mode, where Services select the leader label.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class LabelModeScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task LabelMode_ThreeReplicas_EndpointsHoldExactlyTheLeaderAndRolloutRestartCompletes()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "label-mode");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web", extraSelector: $"{Labels.Role}: {Labels.Leader}") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.LabelMode));

        await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(30));
        var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(15));
        await AssertOnlyLeaderLabelledAsync(scenario, leader);

        // Every replica is Ready in label mode, so an ordinary rollout completes.
        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        timeline.Mark("kubectl rollout restart deployment/web");
        await scenario.KubectlAsync("rollout", "restart", "deployment/web");
        output.WriteLine(await scenario.KubectlAsync("rollout", "status", "deployment/web", "--timeout=120s"));
        var newLeader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();
        var rendered = timeline.Render("label mode: rollout restart");
        output.WriteLine(rendered);
        Assert.True(timeline.MaxReady() <= 1, rendered);
        await AssertOnlyLeaderLabelledAsync(scenario, newLeader);
    }

    private static async Task AssertOnlyLeaderLabelledAsync(Scenario scenario, string leader)
    {
        await Eventually.UntilAsync(
            async () =>
            {
                var pods = (await scenario.PodsAsync("web")).Where(p => p.Metadata.DeletionTimestamp is null).ToList();
                var labelled = pods.Where(p => p.Metadata.Labels.TryGetValue(Labels.Role, out var role) && role == Labels.Leader).ToList();
                return labelled.Count == 1 && labelled[0].Metadata.Name == leader;
            },
            TimeSpan.FromSeconds(10),
            $"{leader} as the only pod labelled {Labels.Role}={Labels.Leader}");
    }
}

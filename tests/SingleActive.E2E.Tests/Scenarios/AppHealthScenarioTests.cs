using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Issue 4, scenario 9: leadership follows the app's health.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AppHealthScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task LeaderAppTurnsUnready_AppHealthGating_LeadershipMovesToHealthyReplica()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s9-app-health");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.OptIn, withAppProbe: true));
        var pods = await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(30));
        Assert.All(pods, pod => Assert.NotNull(Scenario.ElectorEnvValue(pod, ElectorEnv.AppProbe)));
        var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(15));
        await Electors.WaitUntilAllAnswerAsync(scenario, "web");
        var leaseName = Scenario.ElectorEnvValue(pods[0], ElectorEnv.LeaseName)!;
        Assert.Equal(leader, await scenario.LeaseHolderAsync(leaseName));

        await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var flippedAt = timeline.Mark($"app container of leader {leader} turns unready");
        scenario.Nodes.SetAppReady(ns, leader, ready: false);

        var successor = await timeline.NextSingleAddressAsync(leader, flippedAt, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await timeline.StopAsync();
        var rendered = timeline.Render($"scenario 9: app of leader {leader} unready; {successor.Addresses[0]} leads after {(successor.At - flippedAt).TotalMilliseconds:0} ms");
        output.WriteLine(rendered);
        timeline.Save("scenario9-app-health", "scenario 9: leader's app turns unready");

        Assert.True(timeline.MaxReady() <= 1, rendered);
        Assert.Equal(successor.Addresses[0], await scenario.LeaseHolderAsync(leaseName));
        Assert.True(scenario.Nodes.IsRunning(ns, leader), "the unhealthy pod keeps running as a standby");
    }
}

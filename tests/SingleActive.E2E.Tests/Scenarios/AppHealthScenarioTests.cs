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

    /// <summary>
    /// The leader's app container has no readinessProbe (nothing for the elector to run) and starts crash-looping: the
    /// kubelet reports it not running the moment it exits, so the pod cannot serve. The leader's elector sees that in its
    /// own pod's status and releases; a standby whose app runs takes over. Bound: a new single address within 10 s of the
    /// crash (status write and watch event, release, takeover and fence in milliseconds, then the new leader's 1 s
    /// readiness probe), never two addresses; the crashed pod stays a standby after its app recovers (and has run for the
    /// restart hold).
    /// </summary>
    [Fact]
    public async Task LeaderAppContainerCrashLoops_NoReadinessProbe_LeadershipMovesToAReplicaWhoseAppRuns()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s9-app-crash");
        var ns = scenario.Namespace;
        var markers = Directory.CreateTempSubdirectory("sa-app-crash-");
        try
        {
            // Runs until a marker file named after its pod appears, then exits 1, and at once on every restart while it is there.
            var app = new AppShape(
                Command: ["/bin/sh", "-c", $"while [ ! -e '{markers.FullName}/'\"$POD_NAME\" ]; do sleep 0.2; done; echo crashing >&2; exit 1"],
                Env: "[{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]");
            await scenario.ApplyAsync(Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.OptIn, app: app));
            var pods = await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(30));
            Assert.All(pods, pod => Assert.Null(Scenario.ElectorEnvValue(pod, ElectorEnv.AppProbe)));
            var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(15));
            await Electors.WaitUntilAllAnswerAsync(scenario, "web");
            var leaseName = Scenario.ElectorEnvValue(pods[0], ElectorEnv.LeaseName)!;

            await using var timeline = EndpointTimeline.Start(cluster.Client, ns, "web");
            await Task.Delay(TimeSpan.FromSeconds(1));
            var crashedAt = timeline.Mark($"app container of leader {leader} starts crash-looping");
            await File.WriteAllTextAsync(Path.Combine(markers.FullName, leader), "crash");

            var successor = await timeline.NextSingleAddressAsync(leader, crashedAt, TimeSpan.FromSeconds(30));
            var took = successor.At - crashedAt;
            var successorPod = await scenario.LeaseHolderAsync(leaseName);
            Assert.NotNull(successorPod);
            Assert.NotEqual(leader, successorPod);
            var crashedMetrics = await Electors.MetricsAsync(scenario, leader);

            // The app recovers: the old leader campaigns again, but the successor holds the Lease and keeps it.
            File.Delete(Path.Combine(markers.FullName, leader));
            await Eventually.SucceedsAsync(
                async () => (await Electors.MetricsAsync(scenario, leader)).Contains("single_active_elector_app_containers_running 1\n", StringComparison.Ordinal)
                    ? true : throw new InvalidOperationException("app containers not ready yet"),
                TimeSpan.FromSeconds(20),
                $"{leader}'s app running again");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await timeline.StopAsync();
            var rendered = timeline.Render($"scenario 9b: app of leader {leader} crash-loops (no readinessProbe); {successor.Addresses[0]} leads after {took.TotalMilliseconds:0} ms");
            output.WriteLine(rendered);
            timeline.Save("scenario9b-app-crash", "scenario 9b: leader's app container crash-loops");

            Assert.True(timeline.MaxReady() <= 1, rendered);
            Assert.True(took <= TimeSpan.FromSeconds(10), rendered);
            Assert.Contains("single_active_elector_leadership_lost_total{reason=\"app_unhealthy\"} 1\n", crashedMetrics, StringComparison.Ordinal);
            Assert.Equal(successorPod, await scenario.LeaseHolderAsync(leaseName));
            Assert.True(scenario.Nodes.IsRunning(ns, leader), "the crashed pod keeps running as a standby");
        }
        finally
        {
            markers.Delete(recursive: true);
        }
    }
}

using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Issue 4, scenario 5 (and issue 6): an annotated StatefulSet gets all its replicas (no OrderedReady stall).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class StatefulSetScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task ApplyAnnotatedStatefulSet_ThreeReplicas_AllExistAndOneEndpoint()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s5-statefulset");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Service(ns, "queue") + "---\n" + Manifests.StatefulSet(ns, "queue", 3, Manifests.OptIn));

        var pods = await scenario.WaitForRunningPodsAsync("queue", 3, TimeSpan.FromSeconds(45));
        Assert.Equal(["queue-0", "queue-1", "queue-2"], pods.Select(p => p.Metadata.Name).Order().ToArray());
        Assert.All(pods, pod => Assert.Contains(Annotations.Status, pod.Metadata.Annotations?.Keys ?? []));
        await scenario.WaitForSingleLeaderAsync("queue", TimeSpan.FromSeconds(15));
        output.WriteLine(await scenario.KubectlAsync("get", "statefulset", "queue", "-o", "wide"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await scenario.EndpointAddressesAsync("queue"));
    }
}

using System.Text.Json.Nodes;
using k8s;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Issue 4, scenario 8 (and issue 2's dry-run check): a server-side dry run shows the injection and creates nothing.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DryRunScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task DryRunServerCreate_AnnotatedPod_ReturnsInjectedPodAndCreatesNothing()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s8-dry-run");
        var ns = scenario.Namespace;
        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(Manifests.Pod(ns, "preview", Manifests.OptIn), "create", "--dry-run=server", "-o", "json", "-f", "-");
        Assert.True(exit == 0, stderr);

        var pod = JsonNode.Parse(stdout)!;
        var containers = pod["spec"]!["containers"]!.AsArray().Concat(pod["spec"]!["initContainers"]?.AsArray() ?? []);
        Assert.Contains(containers, c => (string?)c!["name"] == ElectorHttp.ContainerName);
        Assert.NotNull(pod["metadata"]!["annotations"]![Annotations.Status]);
        var account = (string?)pod["spec"]!["serviceAccountName"];
        output.WriteLine($"dry-run pod: serviceAccountName {account}, status {pod["metadata"]!["annotations"]![Annotations.Status]}");

        Assert.Equal(["default"], (await cluster.Client.CoreV1.ListNamespacedServiceAccountAsync(ns)).Items.Select(a => a.Metadata.Name).ToArray());
        Assert.Empty((await cluster.Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(ns)).Items);
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
    }
}

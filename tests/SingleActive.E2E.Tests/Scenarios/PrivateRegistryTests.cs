using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using SingleActive.E2E.Tests.Webhook;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// An elector image from a private registry (the published webhook with <c>Injector:ImagePullSecrets:0=regcred</c>):
/// on the real API server, whose ServiceAccount admission runs before the webhook, an injected pod keeps the pull
/// secrets it had — its own, or those the API server copied from its ServiceAccount — and gains the elector's after them.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PrivateRegistryTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task DryRunCreate_PodsWithTheirOwnOrTheirAccountsPullSecrets_KeepThemAndGainTheElectorsAfter()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "private-registry", WebhookVariant.PrivateRegistry);
        var ns = scenario.Namespace;
        // The namespace's default account pulls the app's images: the API server copies its secrets into a pod listing none.
        await Eventually.SucceedsAsync(
            () => cluster.Client.CoreV1.PatchNamespacedServiceAccountAsync(
                new V1Patch("""{"imagePullSecrets":[{"name":"app-registry"}]}""", V1Patch.PatchType.MergePatch), "default", ns),
            TimeSpan.FromSeconds(30),
            $"ServiceAccount {ns}/default patched");

        var fromAccount = await DryRunCreateAsync(Pod(ns, "from-account", null));
        var own = await DryRunCreateAsync(Pod(ns, "own", """[{"name":"own-registry"},{"name":"regcred"}]"""));

        Assert.Equal(["app-registry", "regcred"], PullSecrets(fromAccount));
        Assert.Equal(["own-registry", "regcred"], PullSecrets(own));
        Assert.All([fromAccount, own], pod => Assert.Contains(PodContainerNames(pod), n => n == ElectorHttp.ContainerName));
    }

    private static string Pod(string ns, string name, string? pullSecrets) => $$$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","annotations":{"{{{Annotations.Enabled}}}":"true"}},
         "spec":{{{{(pullSecrets is null ? "" : "\"imagePullSecrets\":" + pullSecrets + ",")}}}"containers":[{"name":"app","image":"registry.example/app:1"}]}}
        """;

    private static List<string?> PullSecrets(JsonNode pod) => [.. pod["spec"]!["imagePullSecrets"]!.AsArray().Select(s => (string?)s!["name"])];

    private static IEnumerable<string?> PodContainerNames(JsonNode pod) =>
        pod["spec"]!["containers"]!.AsArray().Concat(pod["spec"]!["initContainers"]?.AsArray() ?? []).Select(c => (string?)c!["name"]);

    private async Task<JsonNode> DryRunCreateAsync(string manifest)
    {
        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(manifest, "create", "--dry-run=server", "-o", "json", "-f", "-");
        output.WriteLine($"$ kubectl create --dry-run=server: exit {exit} {stderr}");
        Assert.True(exit == 0, $"the dry run was refused: {stderr}");
        return JsonNode.Parse(stdout)!;
    }
}

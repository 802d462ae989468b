using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.Webhook.Tests.Robustness;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Robustness;

/// <summary>
/// A sample of the generated pods the webhook's property tests use, created with
/// <c>kubectl create --dry-run=server</c> through the real API server with the webhook registered:
/// the API server applies the webhook's patch and then validates the result, so each success proves
/// the injected pod is a valid pod (and each one comes back injected).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GeneratedPodServerValidationTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    private const int Seed = 7_2026; // the same pods as GeneratedPodPropertyTests
    private const int Sample = 24;

    [Fact]
    public async Task DryRunCreate_GeneratedPods_InjectedResultPassesApiServerValidation()
    {
        await cluster.GetWebhookAsync();
        var ns = await cluster.CreateNamespaceAsync("prop");

        // A dry run skips the webhook's ServiceAccount side effect, but the API server still checks that
        // the pod's final account exists: create the ones the generated pods can end up with.
        foreach (var account in PodGenerator.CustomServiceAccounts.Append("single-active-elector"))
        {
            await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = account } }, ns);
        }

        var failures = new List<string>();
        for (var i = 0; i < Sample; i++)
        {
            var pod = PodGenerator.Generate(Seed, i * 7);
            pod["metadata"]!["namespace"] = ns;
            var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(pod.ToJsonString(), "create", "--dry-run=server", "-o", "json", "-f", "-");
            if (exit != 0)
            {
                failures.Add($"pod #{i * 7}: {stderr.Trim()}\n    {pod.ToJsonString()}");
                continue;
            }

            var created = JsonNode.Parse(stdout)!;
            var containers = (created["spec"]!["containers"]?.AsArray() ?? []).Concat(created["spec"]!["initContainers"]?.AsArray() ?? []);
            if (created["metadata"]!["annotations"]?[Annotations.Status] is null || !containers.Any(c => (string?)c!["name"] == ElectorHttp.ContainerName))
            {
                failures.Add($"pod #{i * 7}: the API server's result is not injected");
            }
        }

        output.WriteLine($"{Sample - failures.Count} of {Sample} generated pods passed server-side validation injected");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

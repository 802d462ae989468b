using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Issue 4, scenario 6: with the webhook down, an opted-in pod is never created un-injected (and a Service, which the webhook only advises on, is created).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FailClosedScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task WebhookStopped_AnnotatedPod_RejectedWhileUnannotatedPodIsCreated()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "s6-fail-closed");
        var ns = scenario.Namespace;

        // On 1.20 there are no matchConditions (1.28+), so the namespaceSelector is the only scope:
        // un-annotated pods go where the webhook is not asked (the documented opt-out label).
        var optedOut = await cluster.CreateNamespaceAsync("s6-opted-out");
        await cluster.Client.CoreV1.PatchNamespaceAsync(
            new V1Patch("""{"metadata":{"labels":{"single-active.io/injection":"disabled"}}}""", V1Patch.PatchType.MergePatch), optedOut);

        await scenario.Webhook.StopAsync();
        try
        {
            var annotated = await cluster.KubectlWithInputAsync(Manifests.Pod(ns, "opted-in", Manifests.OptIn), "create", "-f", "-");
            output.WriteLine($"annotated pod, webhook down: exit {annotated.ExitCode}: {annotated.StdErr}");
            Assert.NotEqual(0, annotated.ExitCode);
            Assert.Contains("failed calling webhook", annotated.StdErr, StringComparison.Ordinal);
            Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);

            var plain = await cluster.KubectlWithInputAsync(Manifests.Pod(optedOut, "plain", annotations: null), "create", "-f", "-");
            output.WriteLine($"un-annotated pod, webhook down: exit {plain.ExitCode}: {plain.StdOut}{plain.StdErr}");
            Assert.True(plain.ExitCode == 0, plain.StdErr);

            // The advice webhook fails open: a Service that would be warned about is created all the same.
            var service = await cluster.KubectlWithInputAsync($$$"""
                apiVersion: v1
                kind: Service
                metadata: {name: opted-in, namespace: {{{ns}}}}
                spec:
                  publishNotReadyAddresses: true
                  selector: {app: opted-in}
                  ports: [{port: 80}]
                """, "create", "-f", "-");
            output.WriteLine($"Service, webhook down: exit {service.ExitCode}: {service.StdOut}{service.StdErr}");
            Assert.True(service.ExitCode == 0, service.StdErr);

            // What a 1.20 cluster does with an un-annotated pod in a selected namespace (with
            // matchConditions on 1.28+ it is never sent): reported, not asserted.
            var selected = await cluster.KubectlWithInputAsync(Manifests.Pod(ns, "plain", annotations: null), "create", "--dry-run=server", "-f", "-");
            output.WriteLine($"un-annotated pod in a selected namespace on 1.20, webhook down: exit {selected.ExitCode}: {selected.StdOut}{selected.StdErr}");
        }
        finally
        {
            await cluster.GetWebhookAsync();
            await cluster.KubectlAsync("delete", "namespace", optedOut, "--wait=false");
        }
    }
}

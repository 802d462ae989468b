using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Webhook;

/// <summary>
/// Installs what deploy/overlays/local holds (namespace, ServiceAccount, ClusterRoles and bindings,
/// the MutatingWebhookConfiguration) with the running webhook's URL and CA, the way the overlay's
/// README tells a user to: <c>render.sh URL CA | kubectl apply -f -</c>.
/// </summary>
public static class WebhookRegistration
{
    public const string ConfigurationName = "single-active-webhook";

    public static async Task ApplyAsync(ControlPlaneFixture controlPlane, string url, string caFile)
    {
        var render = Path.Combine(RepositoryPaths.DeployLocalOverlay, "render.sh");
        var (exit, manifests, stderr) = await ExternalCommand.RunAsync(render, [url, caFile]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"deploy/overlays/local/render.sh failed (exit {exit}): {stderr}");
        }

        var apply = await controlPlane.KubectlWithInputAsync(manifests, "apply", "-f", "-");
        if (apply.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl apply of deploy/overlays/local failed: {apply.StdErr}{apply.StdOut}");
        }
    }

    /// <summary>
    /// The API server picks up a new webhook configuration asynchronously: wait until a server-side
    /// dry run of an annotated pod comes back injected.
    /// </summary>
    public static Task WaitUntilCalledAsync(ControlPlaneFixture controlPlane) =>
        Eventually.UntilAsync(
            async () =>
            {
                var pod = $$$"""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"webhook-probe","namespace":"default","annotations":{"{{{Annotations.Enabled}}}":"true"}},
                     "spec":{"containers":[{"name":"app","image":"registry.example/app:1"}]}}
                    """;
                var (exit, stdout, _) = await controlPlane.KubectlWithInputAsync(pod, "create", "--dry-run=server", "-o", "json", "-f", "-");
                return exit == 0 && JsonNode.Parse(stdout)?["metadata"]?["annotations"]?[Annotations.Status] is not null;
            },
            TimeSpan.FromSeconds(30),
            "the API server to call the webhook (a dry-run annotated pod coming back injected)");
}

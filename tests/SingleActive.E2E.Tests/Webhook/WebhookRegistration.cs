using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Deploy;
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

    public static async Task ApplyAsync(ControlPlaneFixture controlPlane, string url, string caFile) =>
        await KubectlApplyAsync(controlPlane, await RenderAsync(url, caFile));

    /// <summary>
    /// A variant's own MutatingWebhookConfiguration: the overlay's, renamed, with every webhook's
    /// namespaceSelector narrowed to the variant's label (the rest of the overlay, RBAC included, is the
    /// default webhook's and already applied).
    /// </summary>
    public static async Task ApplyScopedAsync(ControlPlaneFixture controlPlane, WebhookVariant variant, string url, string caFile)
    {
        var configuration = YamlJson.ParseDocuments(await RenderAsync(url, caFile))
            .Single(o => (string?)o["kind"] == "MutatingWebhookConfiguration");
        configuration["metadata"]!["name"] = variant.ConfigurationName;
        foreach (var webhook in configuration["webhooks"]!.AsArray().OfType<JsonObject>())
        {
            webhook["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [WebhookVariant.NamespaceLabel] = variant.Name } };
        }

        await KubectlApplyAsync(controlPlane, configuration.ToJsonString());
    }

    /// <summary>
    /// The API server picks up a new webhook configuration asynchronously: wait until it calls the
    /// webhook. The probe is a server-side dry run of a pod with an invalid opt-in value, which the
    /// webhook denies: no side effects, and no dependence on accounts existing.
    /// </summary>
    public static async Task WaitUntilCalledAsync(ControlPlaneFixture controlPlane, string ns = "default")
    {
        var last = "";
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    var pod = $$$"""
                        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"webhook-probe","namespace":"{{{ns}}}","annotations":{"{{{Annotations.Enabled}}}":"probe-invalid"}},
                         "spec":{"containers":[{"name":"app","image":"registry.example/app:1"}]}}
                        """;
                    var (exit, stdout, stderr) = await controlPlane.KubectlWithInputAsync(pod, "create", "--dry-run=server", "-o", "name", "-f", "-");
                    last = $"exit {exit}: {stdout}{stderr}";
                    return exit != 0 && stderr.Contains("denied the request", StringComparison.Ordinal);
                },
                TimeSpan.FromSeconds(30),
                "the API server to call the webhook");
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}; last dry run: {last}", exception);
        }
    }

    private static async Task<string> RenderAsync(string url, string caFile)
    {
        var render = Path.Combine(RepositoryPaths.DeployLocalOverlay, "render.sh");
        var (exit, manifests, stderr) = await ExternalCommand.RunAsync(render, [url, caFile]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"deploy/overlays/local/render.sh failed (exit {exit}): {stderr}");
        }

        return manifests;
    }

    private static async Task KubectlApplyAsync(ControlPlaneFixture controlPlane, string manifests)
    {
        var apply = await controlPlane.KubectlWithInputAsync(manifests, "apply", "-f", "-");
        if (apply.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl apply of deploy/overlays/local failed: {apply.StdErr}{apply.StdOut}");
        }
    }
}

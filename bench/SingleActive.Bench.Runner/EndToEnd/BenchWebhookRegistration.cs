using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.Bench.Runner.EndToEnd;

/// <summary>
/// Registers the running webhook for pod CREATEs in namespaces labelled for the benchmark, with
/// the production settings that matter to latency (failurePolicy Fail, timeout 5 s, v1 reviews),
/// and removes it again. Its own object, so it never touches a configuration from deploy/.
/// </summary>
public sealed class BenchWebhookRegistration(IKubernetes client, string url, string caFile)
{
    public const string Name = "single-active-bench";
    public const string NamespaceLabel = "single-active.io/bench";

    public async Task RegisterAsync(string probeNamespace)
    {
        var configuration = new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = Name },
            Webhooks =
            [
                new V1MutatingWebhook
                {
                    Name = "pods.bench.single-active.io",
                    AdmissionReviewVersions = ["v1"],
                    SideEffects = "NoneOnDryRun",
                    FailurePolicy = "Fail",
                    TimeoutSeconds = 5,
                    ReinvocationPolicy = "IfNeeded",
                    ClientConfig = new Admissionregistrationv1WebhookClientConfig
                    {
                        Url = url,
                        CaBundle = Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(caFile).ConfigureAwait(false)),
                    },
                    NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [NamespaceLabel] = "true" } },
                    Rules = [new V1RuleWithOperations { ApiGroups = [""], ApiVersions = ["v1"], Operations = ["CREATE"], Resources = ["pods"] }],
                },
            ],
        };
        await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(configuration).ConfigureAwait(false);
        await WaitForAsync(probeNamespace, injected: true).ConfigureAwait(false);
    }

    public async Task UnregisterAsync(string probeNamespace)
    {
        try
        {
            await client.AdmissionregistrationV1.DeleteMutatingWebhookConfigurationAsync(Name).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }

        await WaitForAsync(probeNamespace, injected: false).ConfigureAwait(false);
    }

    /// <summary>
    /// The API server applies configuration changes asynchronously: create (and delete) probe pods
    /// until they come back injected or not. Real creates, not dry runs: a dry run skips the
    /// webhook's ServiceAccount side effect, and the API server would then refuse the injected pod
    /// for naming an account that does not exist yet.
    /// </summary>
    private async Task WaitForAsync(string @namespace, bool injected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            var pod = PodCreationBench.AnnotatedPod($"registration-probe-{(injected ? "on" : "off")}-{attempt}");
            V1Pod created;
            try
            {
                created = await client.CoreV1.CreateNamespacedPodAsync(pod, @namespace).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.InternalServerError)
            {
                // A 1.20 API server refuses pods of a ServiceAccount whose token Secret the controller
                // has not written yet ("retry after the token is automatically created"): the first
                // injected pod of a namespace can meet this; it is why the warm-up exists.
                Console.WriteLine($"[e2e] probe pod refused, retrying: {ex.Response.Content}");
                await Task.Delay(500).ConfigureAwait(false);
                continue;
            }

            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, @namespace, gracePeriodSeconds: 0).ConfigureAwait(false);
            if (created.Metadata.Annotations?.ContainsKey(Annotations.Status) == injected)
            {
                return;
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        throw new TimeoutException($"the API server did not {(injected ? "start" : "stop")} calling the webhook within 30 s");
    }
}

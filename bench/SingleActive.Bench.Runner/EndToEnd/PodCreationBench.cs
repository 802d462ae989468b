using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Bench.Runner.Reporting;
using SingleActive.Contract;

namespace SingleActive.Bench.Runner.EndToEnd;

/// <summary>
/// Latency of a real (not dry-run) pod create through the real kube-apiserver, as a client sees
/// it, with the webhook registered and not, in alternating phases (A B A B A B) so drift in the API
/// server (etcd growth, caches) affects both sides alike. The same annotated pod in both: without
/// the webhook it is stored as is; with it the API server calls the webhook, applies its patch and
/// stores the injected pod (ServiceAccount and RoleBinding are made once per namespace, on the
/// first create of the warm-up, and cached by the webhook afterwards).
/// </summary>
public sealed class PodCreationBench(string kubeconfigPath, string webhookUrl, string caFile, int count, int warmup, FigureLog figures)
{
    private const string Section = "e2e";

    public static V1Pod AnnotatedPod(string name) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Annotations = new Dictionary<string, string> { [Annotations.Enabled] = "true" },
            Labels = new Dictionary<string, string> { ["app"] = "bench" },
        },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", Image = "registry.example/app:1", Ports = [new V1ContainerPort { ContainerPort = 8080, Name = "http" }] }],
        },
    };

    public async Task RunAsync()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
        using var client = new Kubernetes(config);
        var @namespace = $"bench-e2e-{Environment.ProcessId}";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = @namespace, Labels = new Dictionary<string, string> { [BenchWebhookRegistration.NamespaceLabel] = "true" } },
        }).ConfigureAwait(false);
        await WaitForDefaultServiceAccountAsync(client, @namespace).ConfigureAwait(false);
        var registration = new BenchWebhookRegistration(client, webhookUrl, caFile);
        var without = new List<double>();
        var with = new List<double>();
        try
        {
            // A fresh API server is still busy starting controllers: a discarded phase first.
            await CreatePodsAsync(client, @namespace, "w", registered: false, measured: 0, discarded: 100).ConfigureAwait(false);
            foreach (var (phase, registered) in new[] { ("a1", false), ("b1", true), ("a2", false), ("b2", true), ("a3", false), ("b3", true) })
            {
                if (registered)
                {
                    await registration.RegisterAsync(@namespace).ConfigureAwait(false);
                }
                else
                {
                    await registration.UnregisterAsync(@namespace).ConfigureAwait(false);
                }

                var latencies = await CreatePodsAsync(client, @namespace, phase, registered, count, warmup).ConfigureAwait(false);
                (registered ? with : without).AddRange(latencies);
                Console.WriteLine($"[e2e] phase {phase} ({(registered ? "webhook" : "no webhook")}): median {Percentile(latencies, 50):F2} ms over {latencies.Count} creates");
            }
        }
        finally
        {
            await registration.UnregisterAsync(@namespace).ConfigureAwait(false);
            await client.CoreV1.DeleteNamespaceAsync(@namespace).ConfigureAwait(false);
        }

        foreach (var (subject, values) in new[] { ("without webhook", without), ("with webhook", with) })
        {
            figures.Add(Section, subject, "pod create p50", Percentile(values, 50), "ms");
            figures.Add(Section, subject, "pod create p99", Percentile(values, 99), "ms");
            figures.Add(Section, subject, "pod create mean", values.Average(), "ms");
            figures.Add(Section, subject, "pod creates measured", values.Count, "pods");
        }

        figures.Add(Section, "ratio", "p50 with / without", Percentile(with, 50) / Percentile(without, 50), "x");
        figures.Add(Section, "ratio", "mean with / without", with.Average() / without.Average(), "x");
        figures.Add(Section, "ratio", "p50 added by the webhook", Percentile(with, 50) - Percentile(without, 50), "ms");
    }

    private static async Task<List<double>> CreatePodsAsync(Kubernetes client, string @namespace, string phase, bool registered, int measured, int discarded)
    {
        var latencies = new List<double>(measured);
        for (var i = 0; i < discarded + measured; i++)
        {
            var pod = AnnotatedPod($"{phase}-{i}");
            var start = Stopwatch.GetTimestamp();
            var created = await client.CoreV1.CreateNamespacedPodAsync(pod, @namespace).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var injected = created.Metadata.Annotations?.ContainsKey(Annotations.Status) == true;
            if (injected != registered)
            {
                throw new InvalidOperationException($"pod {pod.Metadata.Name}: injected={injected} but the webhook is {(registered ? "" : "not ")}registered");
            }

            if (i >= discarded)
            {
                latencies.Add(elapsed);
            }
        }

        return latencies;
    }

    private static async Task WaitForDefaultServiceAccountAsync(Kubernetes client, string @namespace)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                await client.CoreV1.ReadNamespacedServiceAccountAsync("default", @namespace).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"no default ServiceAccount in {@namespace} after 30 s (is kube-controller-manager running?)");
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

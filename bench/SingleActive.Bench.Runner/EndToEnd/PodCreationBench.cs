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
/// Two more conditions split what the webhook adds: "webhook, not opted in" (the API server calls the
/// webhook, which answers without a patch: the cost of the call) and "injected pod, no webhook" (the pod
/// the webhook returns, created directly: the cost of storing a bigger pod, paid by any injector).
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
        var called = new List<double>();
        var stored = new List<double>();
        V1Pod? injectedShape = null;
        var registered = false;
        try
        {
            // A fresh API server is still busy starting controllers: a discarded phase first.
            await CreatePodsAsync(client, @namespace, "w", Condition.Without, null, measured: 0, discarded: 100).ConfigureAwait(false);
            for (var round = 1; round <= 3; round++)
            {
                foreach (var condition in Enum.GetValues<Condition>())
                {
                    var wanted = condition is Condition.With or Condition.NotOptedIn;
                    if (wanted && !registered)
                    {
                        await registration.RegisterAsync(@namespace).ConfigureAwait(false);
                    }
                    else if (!wanted && registered)
                    {
                        await registration.UnregisterAsync(@namespace).ConfigureAwait(false);
                    }

                    registered = wanted;

                    var phase = $"{(char)('a' + (int)condition)}{round}";
                    var (latencies, last) = await CreatePodsAsync(client, @namespace, phase, condition, injectedShape, count, warmup).ConfigureAwait(false);
                    if (condition == Condition.With)
                    {
                        injectedShape ??= last;
                    }

                    (condition switch { Condition.Without => without, Condition.With => with, Condition.NotOptedIn => called, _ => stored }).AddRange(latencies);
                    Console.WriteLine($"[e2e] phase {phase} ({Describe(condition)}): median {Percentile(latencies, 50):F2} ms over {latencies.Count} creates");
                }
            }
        }
        finally
        {
            await registration.UnregisterAsync(@namespace).ConfigureAwait(false);
            await client.CoreV1.DeleteNamespaceAsync(@namespace).ConfigureAwait(false);
        }

        foreach (var (subject, values) in new[] { ("without webhook", without), ("with webhook", with), (Describe(Condition.NotOptedIn), called), (Describe(Condition.InjectedShape), stored) })
        {
            figures.Add(Section, subject, "pod create p50", Percentile(values, 50), "ms");
            figures.Add(Section, subject, "pod create p99", Percentile(values, 99), "ms");
            figures.Add(Section, subject, "pod create mean", values.Average(), "ms");
            figures.Add(Section, subject, "pod creates measured", values.Count, "pods");
        }

        figures.Add(Section, "ratio", "p50 with / without", Percentile(with, 50) / Percentile(without, 50), "x");
        figures.Add(Section, "ratio", "mean with / without", with.Average() / without.Average(), "x");
        figures.Add(Section, "ratio", "p50 added by the webhook", Percentile(with, 50) - Percentile(without, 50), "ms");
        figures.Add(Section, "ratio", "p50 added by calling the webhook (no patch)", Percentile(called, 50) - Percentile(without, 50), "ms");
        figures.Add(Section, "ratio", "p50 added by the bigger (injected) pod alone", Percentile(stored, 50) - Percentile(without, 50), "ms");
    }

    /// <summary>The four conditions, measured in this order in every round.</summary>
    private enum Condition
    {
        Without,
        With,
        NotOptedIn,
        InjectedShape,
    }

    private static string Describe(Condition condition) => condition switch
    {
        Condition.Without => "no webhook",
        Condition.With => "webhook",
        Condition.NotOptedIn => "webhook, not opted in",
        _ => "injected pod, no webhook",
    };

    private static async Task<(List<double> Latencies, V1Pod? Last)> CreatePodsAsync(
        Kubernetes client, string @namespace, string phase, Condition condition, V1Pod? injectedShape, int measured, int discarded)
    {
        var latencies = new List<double>(measured);
        V1Pod? created = null;
        for (var i = 0; i < discarded + measured; i++)
        {
            var pod = condition switch
            {
                Condition.NotOptedIn => PlainPod($"{phase}-{i}"),
                Condition.InjectedShape => Named(injectedShape ?? throw new InvalidOperationException("no injected pod to copy yet"), $"{phase}-{i}"),
                _ => AnnotatedPod($"{phase}-{i}"),
            };
            var start = Stopwatch.GetTimestamp();
            created = await client.CoreV1.CreateNamespacedPodAsync(pod, @namespace).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var injected = created.Metadata.Annotations?.ContainsKey(Annotations.Status) == true;
            var expected = condition is Condition.With or Condition.InjectedShape;
            if (injected != expected)
            {
                throw new InvalidOperationException($"pod {pod.Metadata.Name} ({Describe(condition)}): injected={injected}, expected {expected}");
            }

            if (i >= discarded)
            {
                latencies.Add(elapsed);
            }
        }

        return (latencies, created);
    }

    private static V1Pod PlainPod(string name)
    {
        var pod = AnnotatedPod(name);
        pod.Metadata.Annotations = null;
        return pod;
    }

    /// <summary>A pod created earlier, as a client would send it again: spec and annotations kept, server-set fields dropped.</summary>
    private static V1Pod Named(V1Pod shape, string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Annotations = shape.Metadata.Annotations, Labels = shape.Metadata.Labels },
        Spec = shape.Spec,
    };

    private static async Task WaitForDefaultServiceAccountAsync(Kubernetes client, string @namespace)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                // On API servers before 1.21 a pod is refused until the account's token Secret exists.
                var account = await client.CoreV1.ReadNamespacedServiceAccountAsync("default", @namespace).ConfigureAwait(false);
                if (account.Secrets is { Count: > 0 })
                {
                    return;
                }

                await Task.Delay(100).ConfigureAwait(false);
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

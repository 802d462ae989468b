using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Kubelet.Network;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy.Monitoring;

/// <summary>
/// A real Prometheus (Debian's 2.42, from <see cref="PrometheusTools"/>) where a cluster's Prometheus runs: on the
/// nodes' side of the pod network (the host namespace, where kubelet probes start), so it scrapes pods at their pod
/// IPs. Scrapes every 2 s (a scrape that times out on a busy machine makes its series stale), evaluates every second.
/// Debian builds Prometheus without Kubernetes discovery, so <see cref="PodTargets"/> stands in for it: it lists what pod discovery (<c>role: pod</c>) lists for these pods,
/// one target per declared container port with the same <c>__meta_kubernetes_*</c> labels, in a file the job reads
/// instead; the job's relabeling is the one under test.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly LocalProcess process;
    private readonly PodNetwork network;
    private readonly string directory;

    private PrometheusServer(LocalProcess process, PodNetwork network, string directory, Uri url)
    {
        this.process = process;
        this.network = network;
        this.directory = directory;
        Url = url;
    }

    public Uri Url { get; }

    /// <param name="scrapeJob">One <c>scrape_configs</c> entry with <c>kubernetes_sd_configs: [{role: pod}]</c>, which reads <paramref name="pods"/>' targets instead.</param>
    /// <param name="ruleFile">A Prometheus rule file (JSON).</param>
    public static async Task<PrometheusServer> StartAsync(ControlPlaneFixture cluster, PodNetwork network, JsonObject scrapeJob, IEnumerable<V1Pod> pods, string ruleFile)
    {
        var directory = Directory.CreateTempSubdirectory("single-active-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "rules.json"), ruleFile);
        await File.WriteAllTextAsync(Path.Combine(directory, "targets.json"), PodTargets(pods).ToJsonString());

        var job = (JsonObject)scrapeJob.DeepClone();
        Assert.Equal("pod", (string?)Assert.Single(job["kubernetes_sd_configs"]!.AsArray())!["role"]);
        job.Remove("kubernetes_sd_configs");
        job["file_sd_configs"] = new JsonArray(new JsonObject { ["files"] = new JsonArray(Path.Combine(directory, "targets.json")) });
        var config = new JsonObject
        {
            ["global"] = new JsonObject { ["scrape_interval"] = "2s", ["scrape_timeout"] = "2s", ["evaluation_interval"] = "1s" },
            ["rule_files"] = new JsonArray(Path.Combine(directory, "rules.json")),
            ["scrape_configs"] = new JsonArray(job),
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.json"), config.ToJsonString());

        var port = FreePort(network);
        var binary = Path.Combine(Path.GetDirectoryName(await PrometheusTools.PromtoolAsync())!, "prometheus");
        var process = LocalProcess.Start(
            "prometheus",
            network.Host.ExecPrefix[0],
            [
                .. network.Host.ExecPrefix.Skip(1), binary,
                "--config.file=" + Path.Combine(directory, "prometheus.json"),
                "--storage.tsdb.path=" + Path.Combine(directory, "data"),
                $"--web.listen-address=[::1]:{port}",
                "--log.level=warn",
            ],
            new Dictionary<string, string>(),
            Path.Combine(directory, "prometheus.log"),
            cluster.Processes);
        var server = new PrometheusServer(process, network, directory, new Uri($"http://[::1]:{port}/"));
        try
        {
            await Eventually.SucceedsAsync(
                async () => process.HasExited
                    ? throw new InvalidOperationException("Prometheus exited")
                    : (await network.Http.GetAsync(new Uri(server.Url, "-/ready"))).EnsureSuccessStatusCode(),
                TimeSpan.FromSeconds(30),
                "Prometheus to be ready");
        }
        catch (Exception e)
        {
            var log = process.ReadLog();
            await server.DisposeAsync();
            throw new InvalidOperationException($"Prometheus did not start: {e.Message}\n{log}", e);
        }

        return server;
    }

    public string ReadLog() => this.process.ReadLog();

    /// <summary>An instant query: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var response = await this.network.Http.GetStringAsync(new Uri(Url, "api/v1/query?query=" + Uri.EscapeDataString(promql)));
        var body = JsonNode.Parse(response)!;
        Assert.Equal("success", (string?)body["status"]);
        return [.. body["data"]!["result"]!.AsArray().Select(r => (
            (IReadOnlyDictionary<string, string>)r!["metric"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!),
            double.Parse((string)r["value"]![1]!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>Waits until every rule group has been evaluated after <paramref name="after"/> (Prometheus' /api/v1/rules), so an empty ALERTS means "evaluated, nothing", not "not evaluated yet".</summary>
    public Task WaitForEvaluationAfterAsync(DateTimeOffset after) =>
        Eventually.UntilAsync(
            async () =>
            {
                var body = JsonNode.Parse(await this.network.Http.GetStringAsync(new Uri(Url, "api/v1/rules")))!;
                var groups = body["data"]!["groups"]!.AsArray();
                return groups.Count > 0 && groups.All(g => DateTimeOffset.Parse((string)g!["lastEvaluation"]!, CultureInfo.InvariantCulture) > after);
            },
            TimeSpan.FromSeconds(10),
            $"every rule group evaluated after {after:HH:mm:ss.fff}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await this.process.DisposeAsync();
        }
        finally
        {
            Directory.Delete(this.directory, recursive: true);
        }
    }

    /// <summary>
    /// What Prometheus' pod discovery lists for <paramref name="pods"/>: a target per declared port of every container
    /// (init containers too: a native sidecar's ports are discovered like any other), at the pod IP, with the labels
    /// that discovery sets and relabeling reads.
    /// </summary>
    public static JsonArray PodTargets(IEnumerable<V1Pod> pods)
    {
        var groups = new JsonArray();
        foreach (var pod in pods)
        {
            var address = IPAddress.Parse(pod.Status.PodIP);
            foreach (var (container, isInit) in pod.Spec.Containers.Select(c => (c, false)).Concat((pod.Spec.InitContainers ?? []).Select(c => (c, true))))
            {
                foreach (var port in container.Ports ?? [])
                {
                    groups.Add(new JsonObject
                    {
                        ["targets"] = new JsonArray(new IPEndPoint(address, port.ContainerPort).ToString()),
                        ["labels"] = new JsonObject
                        {
                            ["__meta_kubernetes_namespace"] = pod.Metadata.NamespaceProperty,
                            ["__meta_kubernetes_pod_name"] = pod.Metadata.Name,
                            ["__meta_kubernetes_pod_ip"] = pod.Status.PodIP,
                            ["__meta_kubernetes_pod_node_name"] = pod.Spec.NodeName,
                            ["__meta_kubernetes_pod_phase"] = pod.Status.Phase,
                            ["__meta_kubernetes_pod_container_name"] = container.Name,
                            ["__meta_kubernetes_pod_container_init"] = isInit ? "true" : "false",
                            ["__meta_kubernetes_pod_container_port_name"] = port.Name ?? "",
                            ["__meta_kubernetes_pod_container_port_number"] = port.ContainerPort.ToString(CultureInfo.InvariantCulture),
                            ["__meta_kubernetes_pod_container_port_protocol"] = port.Protocol ?? "TCP",
                        },
                    });
                }
            }
        }

        return groups;
    }

    private static int FreePort(PodNetwork network)
    {
        using var socket = network.Host.CreateSocket(AddressFamily.InterNetworkV6);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

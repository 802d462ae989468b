using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Kubelet;
using SingleActive.E2E.Tests.Support;
using SingleActive.E2E.Tests.Webhook;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 13: injection decisions for the pods real clusters run — Jobs (a regular-container elector
/// would keep the pod from ever completing; a native sidecar lets it), mirror pods, a service-mesh
/// proxy as the first container, per-pod elector resources, and a workload on its way out.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class JobScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    private static readonly string[] SleepTwoSeconds = ["/bin/sh", "-c", "sleep 2"];

    [Fact]
    public async Task CreateJob_RestartPolicyNeverWithoutNativeSidecars_PodDeniedAndJobEventSaysWhy()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "job-denied");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Job(ns, "report", Manifests.OptIn, SleepTwoSeconds));

        var failed = await Eventually.SucceedsAsync(
            async () => await FailedCreateAsync(ns, "report") ?? throw new InvalidOperationException("no FailedCreate Event on the Job yet"),
            TimeSpan.FromSeconds(30),
            $"a FailedCreate Event on Job {ns}/report");
        output.WriteLine($"FailedCreate: {failed.Message}");

        Assert.Contains("restartPolicy \"Never\"", failed.Message, StringComparison.Ordinal);
        Assert.Contains("native sidecar", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await scenario.PodsAsync("report"), p => p.Metadata.DeletionTimestamp is null);
    }

    [Fact]
    public async Task CreateJob_NativeSidecarForcedOnApiServer120_DeniedNamingTheApiServer()
    {
        // A 1.20 API server refuses probes on init containers, so even a forced native sidecar cannot be stored there:
        // the webhook falls back to a regular container and denies the Job's pod with its own reason, instead of
        // letting the API server refuse it with a validation error. (Such a pod, as a kubelet runs it, completes:
        // ProcessKubeletLifecycleTests.)
        await using var scenario = await Scenario.StartAsync(cluster, output, "job-native", WebhookVariant.NativeSidecar);
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Job(ns, "report", Manifests.OptIn, SleepTwoSeconds));

        var failed = await Eventually.SucceedsAsync(
            async () => await FailedCreateAsync(ns, "report") ?? throw new InvalidOperationException("no FailedCreate Event on the Job yet"),
            TimeSpan.FromSeconds(30),
            $"a FailedCreate Event on Job {ns}/report");
        output.WriteLine($"FailedCreate: {failed.Message}");

        Assert.Contains("restartPolicy \"Never\"", failed.Message, StringComparison.Ordinal);
        Assert.Contains("configured: native, but the API server is 1.20 and cannot store native sidecars", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("must not be set for init containers", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRunCreate_MirrorPod_AcceptedAndReturnedUnchanged()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "mirror-pod");
        var ns = scenario.Namespace;
        var manifest = $$$"""
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"etcd-static","namespace":"{{{ns}}}","annotations":{"kubernetes.io/config.mirror":"3c1e5d6a8f0b42d1a7e9c0b1d2e3f405","{{{Annotations.Enabled}}}":"true"}},
             "spec":{"nodeName":"{{{scenario.Nodes.NodeName}}}","containers":[{"name":"app","image":"registry.example/app:1"}]}}
            """;
        var pod = await DryRunCreateAsync(manifest);

        Assert.Equal(["app"], pod["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Null(pod["spec"]!["initContainers"]);
        Assert.Null(pod["spec"]!["volumes"]);
        Assert.Null(pod["spec"]!["serviceAccountName"]);
        Assert.Equal(
            ["kubernetes.io/config.mirror", Annotations.Enabled],
            pod["metadata"]!["annotations"]!.AsObject().Select(a => a.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DryRunCreate_IstioProxyFirstAndDefaultContainerAnnotation_ElectorInjectedForTheApp()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "mesh-pod");
        var ns = scenario.Namespace;
        var manifest = $$$"""
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"web","namespace":"{{{ns}}}","labels":{"app":"web"},
                         "annotations":{"{{{Annotations.Enabled}}}":"true","kubectl.kubernetes.io/default-container":"web"}},
             "spec":{"containers":[
               {"name":"istio-proxy","image":"docker.io/istio/proxyv2:1.22.0","ports":[{"name":"http-envoy-prom","containerPort":15090}]},
               {"name":"web","image":"registry.example/app:1","ports":[{"name":"http","containerPort":8080}],
                "readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":1}}]}}
            """;
        var pod = await DryRunCreateAsync(manifest);

        var elector = Elector(pod);
        var status = JsonNode.Parse((string)pod["metadata"]!["annotations"]![Annotations.Status]!)!;
        output.WriteLine($"status {status.ToJsonString()}");
        Assert.Equal("web", (string?)status["app"]);
        var probe = AppProbeSpec.Parse(EnvValue(elector, ElectorEnv.AppProbe)!, out var problem) ?? throw new InvalidOperationException(problem);
        Assert.Equal((false, "http", 8080, "/healthz", 1), (probe.Tcp, probe.Scheme, probe.Port, probe.Path, probe.PeriodSeconds));
    }

    [Fact]
    public async Task DryRunCreate_ElectorResourceAnnotations_ElectorHasExactlyThoseResources()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "elector-resources");
        var annotations = new Dictionary<string, string>
        {
            [Annotations.Enabled] = "true",
            [Annotations.Prefix + "cpu-limit"] = "100m",
            [Annotations.Prefix + "memory-limit"] = "64Mi",
            [Annotations.Prefix + "cpu-request"] = "20m",
            [Annotations.Prefix + "memory-request"] = "32Mi",
        };
        var pod = await DryRunCreateAsync(Manifests.Pod(scenario.Namespace, "sized", annotations));

        var resources = Elector(pod)["resources"]!;
        output.WriteLine($"elector resources {resources.ToJsonString()}");
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "100m", ["memory"] = "64Mi" }, Quantities(resources["limits"]));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "20m", ["memory"] = "32Mi" }, Quantities(resources["requests"]));
    }

    [Fact]
    public async Task DryRunCreate_OwnAccountWithCloudTokenAndHttpsHostHeaderProbe_AcceptedWithTheProbeMirrored()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "identity-probe");
        var ns = scenario.Namespace;
        var account = await cluster.KubectlAsync("create", "serviceaccount", "uploader", "-n", ns);
        Assert.True(account.ExitCode == 0, account.StdErr);

        // This 1.20 server refuses a pod whose account has no token Secret yet ("No API token found … retry").
        await Eventually.SucceedsAsync(
            async () => (await scenario.Client.CoreV1.ReadNamespacedServiceAccountAsync("uploader", ns)).Secrets is { Count: > 0 } secrets
                ? secrets
                : throw new InvalidOperationException("no token Secret yet"),
            TimeSpan.FromSeconds(30),
            $"ServiceAccount {ns}/uploader with its token Secret");
        var manifest = $$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"uploader","namespace":"{{{ns}}}","annotations":{"single-active":"true"}},
             "spec":{"serviceAccountName":"uploader",
               "volumes":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":86400,"path":"token"}}]}}],
               "containers":[{"name":"uploader","image":"registry.example/uploader:1","ports":[{"name":"https","containerPort":8443}],
                 "volumeMounts":[{"name":"aws-iam-token","mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount","readOnly":true}],
                 "readinessProbe":{"httpGet":{"path":"/ready","port":"https","scheme":"HTTPS","httpHeaders":[{"name":"Host","value":"uploader.shop.internal"}]},"periodSeconds":5}}]}}
            """;
        var pod = await DryRunCreateAsync(manifest);

        Assert.Equal("uploader", (string?)pod["spec"]!["serviceAccountName"]);
        var elector = Elector(pod);
        var probe = AppProbeSpec.Parse(EnvValue(elector, ElectorEnv.AppProbe)!, out var problem) ?? throw new InvalidOperationException(problem);
        Assert.Equal(("https", 8443, "Host", "uploader.shop.internal", 5), (probe.Scheme, probe.Port, probe.Headers[0].Key, probe.Headers[0].Value, probe.PeriodSeconds));
        Assert.Equal("status.podIP", (string?)elector["env"]!.AsArray().Single(e => (string?)e!["name"] == ElectorEnv.PodIp)!["valueFrom"]!["fieldRef"]!["fieldPath"]);
    }

    [Fact]
    public async Task UpdateDeploymentBeingDeleted_InvalidOptInValue_AllowedAndDeploymentGoesWithItsFinalizer()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "deployment-going");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Deployment(ns, "held", 0, Manifests.OptIn, finalizers: ["example.com/hold"]));
        const string InvalidOptIn = """{"spec":{"template":{"metadata":{"annotations":{"single-active":"yes"}}}}}""";

        // While the Deployment lives the invalid value is denied, as always.
        var live = await cluster.KubectlAsync("patch", "deployment", "held", "-n", ns, "--type=merge", "-p", InvalidOptIn, "--dry-run=server");
        output.WriteLine($"live Deployment, single-active=yes: exit {live.ExitCode}: {live.StdErr}");
        Assert.NotEqual(0, live.ExitCode);
        Assert.Contains("denied the request", live.StdErr, StringComparison.Ordinal);

        await scenario.KubectlAsync("delete", "deployment", "held", "--wait=false");
        var deleting = await scenario.Client.AppsV1.ReadNamespacedDeploymentAsync("held", ns);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);

        output.WriteLine(await scenario.KubectlAsync("patch", "deployment", "held", "--type=merge", "-p", InvalidOptIn));
        var patched = await scenario.Client.AppsV1.ReadNamespacedDeploymentAsync("held", ns);
        Assert.Equal("yes", patched.Spec.Template.Metadata.Annotations[Annotations.Enabled]);

        output.WriteLine(await scenario.KubectlAsync("patch", "deployment", "held", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]"""));
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    await scenario.Client.AppsV1.ReadNamespacedDeploymentAsync("held", ns);
                    return false;
                }
                catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return true;
                }
            },
            TimeSpan.FromSeconds(15),
            $"Deployment {ns}/held to be gone once its finalizer was removed");
    }

    /// <summary>The Job's pod once it exists; a FailedCreate Event instead fails at once with the API server's reason.</summary>
    private async Task<V1Pod> WaitForJobPodAsync(Scenario scenario, string job)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var pods = await scenario.PodsAsync(job);
            if (pods.Count > 0)
            {
                return pods[0];
            }

            if (await FailedCreateAsync(scenario.Namespace, job) is { } failed)
            {
                Assert.Fail($"the Job's pod was not created: {failed.Message}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no pod of Job {scenario.Namespace}/{job} after 30 s");
            }

            await Task.Delay(200);
        }
    }

    private async Task<Corev1Event?> FailedCreateAsync(string ns, string job) =>
        (await cluster.Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.kind=Job,involvedObject.name={job},reason=FailedCreate")).Items.LastOrDefault();

    /// <summary><c>kubectl create --dry-run=server -o json -f -</c>: the pod as the API server would store it.</summary>
    private async Task<JsonNode> DryRunCreateAsync(string manifest)
    {
        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(manifest, "create", "--dry-run=server", "-o", "json", "-f", "-");
        output.WriteLine($"$ kubectl create --dry-run=server: exit {exit} {stderr}");
        Assert.True(exit == 0, $"the dry run was refused: {stderr}");
        return JsonNode.Parse(stdout)!;
    }

    private static JsonNode Elector(JsonNode pod) =>
        pod["spec"]!["containers"]!.AsArray().Concat(pod["spec"]!["initContainers"]?.AsArray() ?? [])
            .SingleOrDefault(c => (string?)c!["name"] == ElectorHttp.ContainerName)
        ?? throw new InvalidOperationException($"no {ElectorHttp.ContainerName} container was injected");

    private static string? EnvValue(JsonNode container, string name) =>
        (string?)container["env"]?.AsArray().FirstOrDefault(e => (string?)e!["name"] == name)?["value"];

    private static Dictionary<string, string> Quantities(JsonNode? values) =>
        values?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [];
}

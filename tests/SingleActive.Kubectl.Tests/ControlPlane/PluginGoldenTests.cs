using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using SingleActive.Contract;
using SingleActive.E2E.Tests.Support;
using SingleActive.Kubectl.CommandLine;

namespace SingleActive.Kubectl.Tests.ControlPlane;

/// <summary>
/// <c>status</c> and <c>doctor</c> against a real API server (v1.20) seeded with several workloads in both modes and
/// their misconfigurations (<see cref="SeededCluster"/>), compared with golden files in testdata/golden. Dates and
/// (in tables) ages are replaced by placeholders and column padding folded, so the files hold what was said, not when.
/// <c>UPDATE_GOLDEN=1</c> rewrites them.
/// </summary>
public sealed partial class PluginGoldenTests(ControlPlaneFixture cluster) : IClassFixture<ControlPlaneFixture>, IAsyncLifetime
{
    private static readonly string GoldenDirectory = Path.Combine(RepositoryPaths.Root, "tests", "SingleActive.Kubectl.Tests", "testdata", "golden");
    private static readonly Lock SeedingGate = new();
    private static Task? seeding;

    /// <summary>Seeds once for the class (the fixture's control plane is the class's); a failed seeding fails every test with its error.</summary>
    public Task InitializeAsync()
    {
        lock (SeedingGate)
        {
            return seeding ??= SeededCluster.SeedAsync(cluster, DateTimeOffset.UtcNow);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("status-shop.txt", 0, "status", "-n", "shop")]
    [InlineData("status-all-wide.txt", 0, "status", "-A", "-o", "wide")]
    [InlineData("status-shop.json", 0, "status", "-n", "shop", "-o", "json")]
    [InlineData("status-billing-ledger.yaml", 0, "status", "deployment/ledger", "-n", "billing", "-o", "yaml")]
    [InlineData("doctor-all.txt", ExitCodes.ProblemsFound, "doctor", "-A")]
    [InlineData("doctor-billing.json", ExitCodes.ProblemsFound, "doctor", "-n", "billing", "-o", "json")]
    public async Task Plugin_SeededCluster_PrintsTheGoldenOutput(string golden, int exitCode, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.True(exit == exitCode, $"exit {exit}, stderr: {stderr}");
        Assert.Equal("", stderr);
        var path = Path.Combine(GoldenDirectory, golden);
        var actual = Normalize(stdout, table: golden.StartsWith("status", StringComparison.Ordinal) && golden.EndsWith(".txt", StringComparison.Ordinal));
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(GoldenDirectory);
            await File.WriteAllTextAsync(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run with UPDATE_GOLDEN=1 and review it");
        Assert.Equal(await File.ReadAllTextAsync(path), actual);
    }

    [Fact]
    public async Task Doctor_SeededCluster_FindsEverySeededMisconfiguration()
    {
        var (_, stdout, _) = await RunAsync("doctor", "-A");

        foreach (var expected in (string[])[
            "failurePolicy Ignore",
            "has no webhook workloads.single-active.io",
            "no matchConditions and no opt-in namespace label",
            "the caBundle's certificate expires",
            "clusterrole/single-active-elector-label: not found",
            "billing/deployment/ledger: rollouts stall",
            "billing/deployment/ledger: template timings: unsafe timings",
            "billing/deployment/ledger: PodDisruptionBudget billing/ledger",
            "billing/deployment/ledger: ServiceAccount single-active-elector is not bound",
            "billing/deployment/ledger: native sidecar, but node node-old runs kubelet 1.28",
            "billing/statefulset/db: podManagementPolicy OrderedReady",
            "shop/deployment/cart: service/cart selects every replica",
            "clusterrolebinding/single-active-elector-node: holds 1 account(s) of namespaces that no longer exist (preview-41/single-active-elector)",
        ])
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("shop/deployment/web: ServiceAccount", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("shop/deployment/web: rollouts stall", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handover_NoElectorRunning_NoAnswerWithinTheTimeoutAndTheRequestStays()
    {
        var (exit, stdout, stderr) = await RunAsync("handover", "web", "--to", "web-1", "-n", "shop", "--timeout", "1s");

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: deployment/web: no answer to the handover request within 1.00s; the request stays on Lease shop/web", stderr, StringComparison.Ordinal);
        Assert.Contains("withdraw it: kubectl single-active handover deployment/web -n shop --cancel)", stderr, StringComparison.Ordinal);
        var lease = await k8s.CoordinationV1OperationsExtensions.ReadNamespacedLeaseAsync(cluster.Client.CoordinationV1, "web", "shop");
        Assert.Equal("web-1", lease.Metadata.Annotations["single-active.io/preferred-holder"]);

        // Withdrawn as the error says: nothing is left to move the leadership later.
        var (cancelled, said, _) = await RunAsync("handover", "deployment/web", "-n", "shop", "--cancel");
        Assert.Equal((ExitCodes.Ok, "deployment/web: withdrew the handover request (to web-1) from Lease shop/web\n"), (cancelled, said));
        lease = await k8s.CoordinationV1OperationsExtensions.ReadNamespacedLeaseAsync(cluster.Client.CoordinationV1, "web", "shop");
        Assert.False(lease.Metadata.Annotations?.ContainsKey("single-active.io/preferred-holder") == true);
        var (again, nothing, _) = await RunAsync("handover", "web", "-n", "shop", "--cancel");
        Assert.Equal((ExitCodes.Ok, "deployment/web: no handover request is pending on Lease shop/web\n"), (again, nothing));
    }

    /// <summary>The leader has released the Lease to the target (in-progress): withdrawing then would let any standby take it.</summary>
    [Fact]
    public async Task HandoverCancel_HandoverBeingCarriedOut_RefusedAndTheLeaseUntouched()
    {
        var seeded = await k8s.CoordinationV1OperationsExtensions.ReadNamespacedLeaseAsync(cluster.Client.CoordinationV1, "web", "shop");
        var inProgress = new HandoverRecord("web-1", "web-1", seeded.Spec.HolderIdentity, HandoverOutcome.InProgress, "released to web-1", DateTimeOffset.UnixEpoch).ToJson();
        var released = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["single-active.io/preferred-holder"] = "web-1", ["single-active.io/last-handover"] = inProgress } },
            ["spec"] = new JsonObject { ["holderIdentity"] = null },
        };
        await cluster.KubectlAsync(null, "patch", "lease", "web", "-n", "shop", "--type=merge", "-p", released.ToJsonString());
        try
        {
            var (exit, stdout, stderr) = await RunAsync("handover", "web", "-n", "shop", "--cancel");

            Assert.Equal((ExitCodes.Failed, ""), (exit, stdout));
            Assert.StartsWith("error: deployment/web: the handover to web-1 is being carried out (Lease shop/web was released to it) and cannot be withdrawn", stderr, StringComparison.Ordinal);
            var lease = await k8s.CoordinationV1OperationsExtensions.ReadNamespacedLeaseAsync(cluster.Client.CoordinationV1, "web", "shop");
            Assert.Equal("web-1", lease.Metadata.Annotations["single-active.io/preferred-holder"]);
        }
        finally
        {
            var restored = new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["single-active.io/preferred-holder"] = null, ["single-active.io/last-handover"] = seeded.Metadata.Annotations is { } kept && kept.TryGetValue("single-active.io/last-handover", out var last) ? last : null } },
                ["spec"] = new JsonObject { ["holderIdentity"] = seeded.Spec.HolderIdentity },
            };
            await cluster.KubectlAsync(null, "patch", "lease", "web", "-n", "shop", "--type=merge", "-p", restored.ToJsonString());
        }
    }

    /// <summary>
    /// The webhooks pointed at a Service that selects no running pod (as when every webhook replica is down): its
    /// Endpoints, written by the real endpoints controller, have no ready address, and doctor says that every opted-in
    /// object is rejected. The seeded configuration is put back afterwards (the goldens call a URL).
    /// </summary>
    [Fact]
    public async Task Doctor_WebhooksCallAServiceWithNoReadyReplica_ErrorNamingTheService()
    {
        const string Ns = "single-active-system";
        var configurations = cluster.Client.AdmissionregistrationV1;
        var seeded = await configurations.ReadMutatingWebhookConfigurationAsync("single-active-webhook");
        var urls = seeded.Webhooks.Select(w => w.ClientConfig.Url).ToList();
        var policy = seeded.Webhooks[0].FailurePolicy;
        try
        {
            var (applied, _, applyError) = await cluster.KubectlAsync(
                $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {Ns}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: single-active-webhook, namespace: {Ns}}}\n" +
                "spec: {selector: {app.kubernetes.io/name: single-active-webhook}, ports: [{port: 443, targetPort: 8443}]}\n",
                "apply", "-f", "-");
            Assert.True(applied == 0, applyError);

            // The endpoints controller writes the Service's Endpoints (with no address: no pod matches).
            for (var waited = 0; !(await cluster.Client.CoreV1.ListNamespacedEndpointsAsync(Ns)).Items.Any(e => e.Metadata.Name == "single-active-webhook"); waited++)
            {
                Assert.True(waited < 300, "no Endpoints for the webhook Service after 30 s");
                await Task.Delay(100);
            }

            await PointWebhooksAsync(w => (null, new k8s.Models.Admissionregistrationv1ServiceReference { NamespaceProperty = Ns, Name = "single-active-webhook", Path = "/mutate" }));

            var (exit, stdout, _) = await RunAsync("doctor", "-A");

            Assert.Equal(ExitCodes.ProblemsFound, exit);
            var meanwhile = policy == "Fail"
                ? "the API server rejects every opted-in object until one answers"
                : "opted-in objects are admitted without the elector until one answers (failurePolicy Ignore)";
            Assert.Contains($"{Ns}/service/single-active-webhook: no webhook replica behind it (the Service selects no running pod, or its targetPort names no container port): {meanwhile}", stdout, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                await PointWebhooksAsync(w => (urls[w], null));
            }
            finally
            {
                await cluster.KubectlAsync(null, "delete", "namespace", Ns, "--ignore-not-found", "--wait=false");
            }
        }
    }

    /// <summary>Re-reads the seeded configuration and gives webhook i the URL or Service <paramref name="target"/> names.</summary>
    private async Task PointWebhooksAsync(Func<int, (string? Url, k8s.Models.Admissionregistrationv1ServiceReference? Service)> target)
    {
        var configurations = cluster.Client.AdmissionregistrationV1;
        var configuration = await configurations.ReadMutatingWebhookConfigurationAsync("single-active-webhook");
        configuration.Metadata.ManagedFields = null; // untyped fieldsV1: KubernetesClient.Aot cannot write them back
        for (var i = 0; i < configuration.Webhooks.Count; i++)
        {
            (configuration.Webhooks[i].ClientConfig.Url, configuration.Webhooks[i].ClientConfig.Service) = target(i);
        }

        await configurations.ReplaceMutatingWebhookConfigurationAsync(configuration, configuration.Metadata.Name);
    }

    private async Task<(int Exit, string StdOut, string StdErr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = cluster.KubeconfigPath };
        var exit = await new PluginCommands(stdout, stderr, name => environment.GetValueOrDefault(name), TimeProvider.System).RunAsync(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Dates and times become placeholders; in a status table also ages, and column padding (three spaces or more, which follows the ages' widths) folds to three.</summary>
    private static string Normalize(string text, bool table)
    {
        text = Timestamp().Replace(text, "<time>");
        return table ? Padding().Replace(Age().Replace(text, "<age>"), "   ") : text;
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"(?<![\w.-])\d+[smhd](\d+[smh])?(?![\w.-])")]
    private static partial Regex Age();

    [GeneratedRegex(" {3,}")]
    private static partial Regex Padding();
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// Every manifest in deploy/ through the real kube-apiserver's validation (<c>kubectl apply
/// --dry-run=server</c>), on the 1.20 control plane. What 1.20 cannot know is stripped by
/// <see cref="ApiServer120Compatibility"/> and nothing else; cert-manager objects (CRDs not installed)
/// are checked by <see cref="DeployManifestTests"/> instead.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ServerValidationTests(ControlPlaneFixture cluster)
{
    private const string SystemNamespace = "single-active-system";

    [Fact]
    public async Task LocalOverlay_ServerDryRun_PassesUnchanged()
    {
        await EnsureSystemNamespaceAsync();

        var (exit, stdout, stderr) = await cluster.KubectlAsync("apply", "--dry-run=server", "-k", Kustomize.DeployDir("overlays/local"));

        Assert.True(exit == 0, $"kubectl apply --dry-run=server -k deploy/overlays/local failed:\n{stderr}");
        foreach (var expected in new[]
        {
            "serviceaccount/single-active-webhook", "clusterrole.rbac.authorization.k8s.io/single-active-webhook",
            "clusterrole.rbac.authorization.k8s.io/single-active-elector", "clusterrole.rbac.authorization.k8s.io/single-active-elector-label",
            "clusterrole.rbac.authorization.k8s.io/single-active-elector-node", "clusterrolebinding.rbac.authorization.k8s.io/single-active-elector-node",
            "clusterrolebinding.rbac.authorization.k8s.io/single-active-webhook",
            "mutatingwebhookconfiguration.admissionregistration.k8s.io/single-active-webhook",
        })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LocalOverlay_RenderedWithUrlAndCa_ServerKeepsThem()
    {
        await EnsureSystemNamespaceAsync();
        var caFile = Path.Combine(Path.GetTempPath(), $"single-active-deploy-ca-{Guid.NewGuid():N}.crt");
        var caPem = CreateCaPem();
        await File.WriteAllTextAsync(caFile, caPem);
        try
        {
            var render = Path.Combine(Kustomize.DeployDir("overlays/local"), "render.sh");
            var (renderExit, yaml, renderErr) = await ExternalCommand.RunAsync(render, ["https://127.0.0.1:31443/mutate", caFile]);
            Assert.True(renderExit == 0, $"render.sh failed: {renderErr}");

            var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(yaml, "apply", "--dry-run=server", "-o", "json", "-f", "-");

            Assert.True(exit == 0, $"dry-run of the rendered local overlay failed:\n{stderr}");
            var returned = (JsonObject)JsonNode.Parse(stdout)!;
            var configuration = Assert.Single(returned["items"]!.AsArray().OfType<JsonObject>(), o => (string?)o["kind"] == "MutatingWebhookConfiguration");
            var webhooks = configuration["webhooks"]!.AsArray().OfType<JsonObject>().ToList();
            Assert.Equal(["pods.single-active.io", "workloads.single-active.io", "advice.single-active.io"], webhooks.Select(w => (string?)w["name"]));
            foreach (var webhook in webhooks)
            {
                Assert.Equal("https://127.0.0.1:31443/mutate", (string?)webhook["clientConfig"]!["url"]);
                Assert.Equal(caPem, Encoding.ASCII.GetString(Convert.FromBase64String((string)webhook["clientConfig"]!["caBundle"]!)));
            }

            Assert.Equal(["Fail", "Fail", "Ignore"], webhooks.Select(w => (string?)w["failurePolicy"]));
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/self-signed")]
    [InlineData("overlays/cert-manager")]
    public async Task Overlay_ServerDryRunWithout120UnknownFields_Passes(string overlay)
    {
        await EnsureSystemNamespaceAsync();
        var built = await Kustomize.BuildAsync(Kustomize.DeployDir(overlay));
        var (stripped, removed) = ApiServer120Compatibility.Strip(built.Where(o => !IsCertManager(o)));

        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(YamlJson.ToList(stripped), "apply", "--dry-run=server", "-f", "-");

        Assert.True(exit == 0, $"kubectl apply --dry-run=server of {overlay} (stripped of: {string.Join("; ", removed)}) failed:\n{stderr}");
        // "configured"/"unchanged" where the e2e scenarios already applied the local overlay for real.
        foreach (var o in stripped)
        {
            Assert.Matches($@"/{o["metadata"]!["name"]} (created|configured|unchanged)", stdout);
        }

        Assert.Subset(new HashSet<string>(ApiServer120Compatibility.Documented), new HashSet<string>(removed));
    }

    [Fact]
    public async Task LegacyScopeComponent_OnSelfSignedOverlay_WebhookConfigurationPassesUnchanged()
    {
        await EnsureSystemNamespaceAsync();
        // A user's overlay: the self-signed install plus the component for clusters without matchConditions.
        var built = await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/legacy-scope");
        var configuration = Kustomize.Single(built, "MutatingWebhookConfiguration", "single-active-webhook");
        Assert.All(configuration["webhooks"]!.AsArray(), w =>
        {
            Assert.Null(w!["matchConditions"]);
            Assert.Equal("enabled", (string?)w["namespaceSelector"]!["matchLabels"]!["single-active.io/injection"]);
        });

        var (stripped, removed) = ApiServer120Compatibility.Strip(built);
        Assert.DoesNotContain(ApiServer120Compatibility.MatchConditions, removed);
        var (exit, _, stderr) = await cluster.KubectlWithInputAsync(YamlJson.ToList(stripped), "apply", "--dry-run=server", "-f", "-");

        Assert.True(exit == 0, $"dry-run of self-signed + legacy-scope failed:\n{stderr}");
    }

    [Fact]
    public async Task Base_ServerDryRunUnstripped_FailsOnlyOnTheDocumentedFields()
    {
        await EnsureSystemNamespaceAsync();
        var yaml = await Kustomize.BuildYamlAsync(Kustomize.DeployDir("base"));

        var (exit, _, stderr) = await cluster.KubectlWithInputAsync(yaml, "apply", "--dry-run=server", "-f", "-");

        // Proves the strip list is needed and complete: 1.20 rejects these and no other field.
        Assert.NotEqual(0, exit);
        Assert.Contains("unknown field \"matchConditions\"", stderr, StringComparison.Ordinal);
        Assert.Contains("no matches for kind \"PodDisruptionBudget\" in version \"policy/v1\"", stderr, StringComparison.Ordinal);
        var unknown = System.Text.RegularExpressions.Regex.Matches(stderr, "unknown field \"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct();
        Assert.All(unknown, field => Assert.Contains(field, new[] { "matchConditions", "unhealthyPodEvictionPolicy" }));
    }

    /// <summary>
    /// A webhook pod as its ReplicaSet would create it, through the real API server's admission (dry run): the Priority
    /// plugin admits <c>system-cluster-critical</c> outside kube-system (since 1.17, kubernetes#76310) and gives the pod
    /// that class's priority.
    /// </summary>
    [Fact]
    public async Task WebhookPod_ServerDryRun_AdmittedAtClusterCriticalPriority()
    {
        await EnsureSystemNamespaceAsync();
        var built = await Kustomize.BuildAsync(Kustomize.DeployDir("overlays/self-signed"));
        var template = Kustomize.Single(built, "Deployment", "single-active-webhook")["spec"]!["template"]!;

        // ServiceAccount admission looks the pod's account and its token up even in a dry run: that one object for real
        // (every install has it), and its token Secret, which the controller-manager adds, awaited.
        var account = YamlJson.ToList([Kustomize.Single(built, "ServiceAccount", "single-active-webhook")]);
        var (applied, _, applyErr) = await cluster.KubectlWithInputAsync(account, "apply", "-f", "-");
        Assert.True(applied == 0, $"cannot apply the webhook's ServiceAccount: {applyErr}");
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while ((await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync("single-active-webhook", SystemNamespace)).Secrets is not { Count: > 0 })
        {
            Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(30), "the controller-manager gave ServiceAccount single-active-webhook no token Secret within 30 s");
            await Task.Delay(100);
        }
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "single-active-webhook-priority", ["namespace"] = SystemNamespace, ["labels"] = template["metadata"]!["labels"]!.DeepClone() },
            ["spec"] = template["spec"]!.DeepClone(),
        };

        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(pod.ToJsonString(), "create", "--dry-run=server", "-o", "json", "-f", "-");

        Assert.True(exit == 0, $"the webhook's pod was not admitted:\n{stderr}");
        var admitted = JsonNode.Parse(stdout)!;
        Assert.Equal("system-cluster-critical", (string?)admitted["spec"]!["priorityClassName"]);
        Assert.Equal(2_000_000_000, (int)admitted["spec"]!["priority"]!);
    }

    /// <summary>
    /// The webhook's NetworkPolicy (deploy/components/network-policy) and the electors' examples (deploy/examples) through
    /// the API server's validation, their named ports kept as written (a NetworkPolicy port may name a container port).
    /// </summary>
    [Fact]
    public async Task NetworkPolicies_ServerDryRun_PassUnchanged()
    {
        await EnsureSystemNamespaceAsync();
        var webhookPolicy = Kustomize.Single(await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/network-policy"), "NetworkPolicy", "single-active-webhook");

        foreach (var (policy, where) in new[] { (webhookPolicy, SystemNamespace), (NetworkPolicyManifestTests.ElectorsExample("egress"), "default"), (NetworkPolicyManifestTests.ElectorsExample("ingress"), "default") })
        {
            var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(policy.ToJsonString(), "apply", "--dry-run=server", "-n", where, "-o", "json", "-f", "-");

            Assert.True(exit == 0, $"dry-run of NetworkPolicy {policy["metadata"]!["name"]} failed:\n{stderr}");
            var stored = JsonNode.Parse(stdout)!;
            Assert.True(JsonNode.DeepEquals(policy["spec"], stored["spec"]), $"the API server changed the spec of {policy["metadata"]!["name"]}: {stored["spec"]}");
        }
    }

    private static bool IsCertManager(JsonObject o) => ((string?)o["apiVersion"])?.StartsWith("cert-manager.io/", StringComparison.Ordinal) == true;

    /// <summary>A dry run creates nothing, so namespaced objects need their namespace for real.</summary>
    private async Task EnsureSystemNamespaceAsync()
    {
        var (exit, _, stderr) = await cluster.KubectlAsync("create", "namespace", SystemNamespace);
        Assert.True(exit == 0 || stderr.Contains("AlreadyExists", StringComparison.Ordinal), $"cannot create namespace {SystemNamespace}: {stderr}");
        // As deploy/base labels it: a registered webhook (the e2e scenarios') never sees these dry runs.
        var (labelled, _, labelError) = await cluster.KubectlAsync("label", "namespace", SystemNamespace, "single-active.io/injection=disabled", "--overwrite");
        Assert.True(labelled == 0, $"cannot label namespace {SystemNamespace}: {labelError}");
    }

    private static string CreateCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=deploy-test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return ca.ExportCertificatePem() + "\n";
    }
}

using System.Text.Json.Nodes;
using System.Xml.Linq;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// What deploy/ must keep true whatever the API server: least privilege, a webhook that can only
/// block opted-in objects, a sidecar image that never skews, and cert-manager objects that fit
/// together (their CRDs are not on the test control plane, so they are checked here).
/// </summary>
public sealed class DeployManifestTests
{
    private const string SystemNamespace = "single-active-system";
    private static readonly string[] InstallOverlays = ["overlays/cert-manager", "overlays/self-signed"];

    /// <summary>The webhook's ClusterRole as deploy/base has it (group|resources|verbs|resourceNames), in order.</summary>
    private static readonly string[] WebhookRules =
    [
        "|serviceaccounts|get,create|*",
        "rbac.authorization.k8s.io|rolebindings|get,create,update|*",
        "rbac.authorization.k8s.io|clusterroles|bind|single-active-elector,single-active-elector-label,single-active-elector-node",
        "rbac.authorization.k8s.io|clusterrolebindings|get,update|single-active-elector-node",
        "|namespaces|get,list|*",
        "policy|poddisruptionbudgets|list|*",
        "|services|list|*",
        "apps|deployments,statefulsets|list|*",
        "|nodes|list|*",
        "networking.k8s.io|networkpolicies|list|*",
    ];

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task SidecarImage_Overlay_EqualsTheWebhookImage(string overlay)
    {
        var deployment = Kustomize.Single(await Kustomize.BuildAsync(Kustomize.DeployDir(overlay)), "Deployment", "single-active-webhook");

        var container = WebhookContainer(deployment);
        Assert.Equal((string?)container["image"], Env(container, "SINGLE_ACTIVE_IMAGE"));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task Image_Overlay_TaggedWithTheProductVersion(string overlay)
    {
        // The version the binaries report (status annotation, build info metrics) is the image deploy/ installs.
        var version = XDocument.Load(RepositoryFiles.Find("Directory.Build.props")).Descendants("Version").Single().Value;
        var deployment = Kustomize.Single(await Kustomize.BuildAsync(Kustomize.DeployDir(overlay)), "Deployment", "single-active-webhook");

        var image = (string?)WebhookContainer(deployment)["image"];
        Assert.EndsWith($":{version}", image, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task SidecarImage_ImageChangedInOverlay_Follows(string overlay)
    {
        // A copy of deploy/ whose overlay sets another registry and tag, as `kustomize edit set image` would.
        var copy = Path.Combine(Path.GetTempPath(), $"single-active-deploy-{Guid.NewGuid():N}");
        CopyDirectory(Kustomize.DeployDir(""), copy);
        try
        {
            var kustomization = Path.Combine(copy, overlay, "kustomization.yaml");
            var text = await File.ReadAllTextAsync(kustomization);
            Assert.Contains("    newTag: 0.1.0\n", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(kustomization, text.Replace("    newTag: 0.1.0\n", "    newName: registry.example.com/team/single-active\n    newTag: 2.3.4\n", StringComparison.Ordinal));

            var container = WebhookContainer(Kustomize.Single(await Kustomize.BuildAsync(Path.Combine(copy, overlay)), "Deployment", "single-active-webhook"));

            Assert.Equal("registry.example.com/team/single-active:2.3.4", (string?)container["image"]);
            Assert.Equal("registry.example.com/team/single-active:2.3.4", Env(container, "SINGLE_ACTIVE_IMAGE"));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task WebhookClusterRole_Base_GrantsOnlyWhatTheWebhookUses()
    {
        var role = Kustomize.Single(await Kustomize.BuildAsync(Kustomize.DeployDir("base")), "ClusterRole", "single-active-webhook");

        Assert.Equal(
            WebhookRules,
            Rules(role));
    }

    [Fact]
    public async Task ElectorClusterRoles_Base_LeasesEventsPodStatusPatchPodsReadWorkloadsGetAndLabelModePodsOnly()
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir("base"));

        Assert.Equal(
            [
                "coordination.k8s.io|leases|get,list,watch,create,update|*", "|events|create,patch|*", "|pods/status|patch|*", "|pods|get,list,watch|*",
                "apps|replicasets,deployments,statefulsets|get|*",
            ],
            Rules(Kustomize.Single(objects, "ClusterRole", "single-active-elector")));
        Assert.Equal(["|pods|get,patch|*"], Rules(Kustomize.Single(objects, "ClusterRole", "single-active-elector-label")));
    }

    /// <summary>
    /// Node read, bound cluster-wide by one binding whose subjects the webhook keeps: the manifest must not carry a
    /// subjects field, or every `kubectl apply` of deploy/ would drop the accounts the webhook added.
    /// </summary>
    [Fact]
    public async Task ElectorNodeRole_Base_NodesReadOnlyAndABindingWithoutSubjects()
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir("base"));

        Assert.Equal(["|nodes|get,list,watch|*"], Rules(Kustomize.Single(objects, "ClusterRole", "single-active-elector-node")));
        var binding = Kustomize.Single(objects, "ClusterRoleBinding", "single-active-elector-node");
        Assert.Equal(
            ("rbac.authorization.k8s.io", "ClusterRole", "single-active-elector-node"),
            ((string?)binding["roleRef"]!["apiGroup"], (string?)binding["roleRef"]!["kind"], (string?)binding["roleRef"]!["name"]));
        Assert.False(binding.ContainsKey("subjects"));
    }

    /// <summary>
    /// The plugin's roles (PluginAccessTests runs the plugin under them): status reads, the controls patch only Leases,
    /// doctor reads only, the single-active webhook configuration and ClusterRoles by name; none aggregated unless the
    /// component says so, and then the viewer to view, edit and admin, the operator to edit and admin only.
    /// </summary>
    [Fact]
    public async Task PluginRoles_BaseAndAggregationComponent_ReadsLeasePatchAndAggregatedOnlyByTheComponent()
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir("base"));

        string[] workloadReads = ["apps|deployments,statefulsets|get,list|*", "|pods,events|get,list|*"];
        Assert.Equal(["coordination.k8s.io|leases|get,list,watch|*", .. workloadReads], Rules(Kustomize.Single(objects, "ClusterRole", "single-active-viewer")));
        Assert.Equal(["coordination.k8s.io|leases|get,list,watch,patch|*", .. workloadReads], Rules(Kustomize.Single(objects, "ClusterRole", "single-active-operator")));
        Assert.Equal(
            [
                "admissionregistration.k8s.io|mutatingwebhookconfigurations|get|single-active-webhook",
                "rbac.authorization.k8s.io|clusterroles|get|single-active-elector,single-active-elector-label,single-active-elector-node",
                "rbac.authorization.k8s.io|clusterrolebindings,rolebindings|list|*",
                "|nodes,namespaces,pods,services|list|*",
                "|services,endpoints|get|*",
                "apps|deployments,statefulsets|list|*",
                "policy|poddisruptionbudgets|list|*",
                "coordination.k8s.io|leases|list|*",
                "networking.k8s.io|networkpolicies|list|*",
            ],
            Rules(Kustomize.Single(objects, "ClusterRole", "single-active-doctor")));
        Assert.DoesNotContain(objects, o => o["metadata"]?["labels"] is JsonObject labels && labels.Any(l => l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal)));

        var aggregated = await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/plugin-aggregation");
        Assert.Equal(["admin", "edit", "view"], AggregatedTo(Kustomize.Single(aggregated, "ClusterRole", "single-active-viewer")));
        Assert.Equal(["admin", "edit"], AggregatedTo(Kustomize.Single(aggregated, "ClusterRole", "single-active-operator")));
        Assert.Empty(AggregatedTo(Kustomize.Single(aggregated, "ClusterRole", "single-active-doctor")));
        Assert.Equal("single-active", (string?)Kustomize.Single(aggregated, "ClusterRole", "single-active-viewer")["metadata"]!["labels"]!["app.kubernetes.io/part-of"]);
    }

    private static List<string> AggregatedTo(JsonObject role) =>
        [.. (role["metadata"]!["labels"] as JsonObject ?? new JsonObject()).Where(l => (string?)l.Value == "true" && l.Key.StartsWith("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal))
            .Select(l => l.Key["rbac.authorization.k8s.io/aggregate-to-".Length..]).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task SelfSignedOverlay_Rbac_OwnSecretLeaseAndWebhookConfigurationOnly()
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir("overlays/self-signed"));

        var role = Kustomize.Single(objects, "Role", "single-active-webhook-self-signed");
        Assert.Equal(SystemNamespace, (string?)role["metadata"]!["namespace"]);
        Assert.Equal(
            [
                "|secrets|get,update|single-active-webhook-tls",
                "|secrets|create|*",
                "coordination.k8s.io|leases|get,update|single-active-webhook-certs",
                "coordination.k8s.io|leases|create|*",
            ],
            Rules(role));
        Assert.Equal(
            ["admissionregistration.k8s.io|mutatingwebhookconfigurations|get,patch|single-active-webhook"],
            Rules(Kustomize.Single(objects, "ClusterRole", "single-active-webhook-self-signed")));
        Assert.DoesNotContain(objects, o => (string?)o["kind"] is "Role" or "ClusterRole" && Rules(o).Any(r => r.Contains("|*|", StringComparison.Ordinal) || r.StartsWith("*|", StringComparison.Ordinal)));

        // The flags name the very Secret and configuration the RBAC allows, and nothing is mounted.
        var container = WebhookContainer(Kustomize.Single(objects, "Deployment", "single-active-webhook"));
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("--self-signed-secret=single-active-webhook-tls", args);
        Assert.Contains("--webhook-config=single-active-webhook", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--tls-", StringComparison.Ordinal));
        Assert.DoesNotContain(container["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "tls");
    }

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    [InlineData("overlays/local")]
    public async Task WebhookConfiguration_Overlay_FailsClosedOnlyForOptedInObjects(string overlay)
    {
        var configuration = Kustomize.Single(await Kustomize.BuildAsync(Kustomize.DeployDir(overlay)), "MutatingWebhookConfiguration", "single-active-webhook");
        var webhooks = configuration["webhooks"]!.AsArray().OfType<JsonObject>().ToList();

        Assert.Equal(["pods.single-active.io", "workloads.single-active.io", "advice.single-active.io"], webhooks.Select(w => (string?)w["name"]));
        foreach (var webhook in webhooks.Take(2))
        {
            Assert.Equal(["v1"], webhook["admissionReviewVersions"]!.AsArray().Select(v => (string?)v));
            Assert.Equal("NoneOnDryRun", (string?)webhook["sideEffects"]);
            Assert.Equal("IfNeeded", (string?)webhook["reinvocationPolicy"]);
            Assert.Equal("Fail", (string?)webhook["failurePolicy"]);
            var excluded = webhook["namespaceSelector"]!["matchExpressions"]!.AsArray()
                .Single(e => (string?)e!["key"] == "kubernetes.io/metadata.name" && (string?)e["operator"] == "NotIn")!["values"]!.AsArray().Select(v => (string?)v);
            Assert.Equal(["kube-system", "kube-node-lease", SystemNamespace], excluded);

            if (overlay == "overlays/local")
            {
                // 1.20 has neither matchConditions nor a service the apiserver could reach on loopback.
                Assert.Null(webhook["matchConditions"]);
                Assert.Null(webhook["clientConfig"]!["service"]);
                Assert.StartsWith("https://127.0.0.1:", (string?)webhook["clientConfig"]!["url"], StringComparison.Ordinal);
            }
            else
            {
                var condition = Assert.Single(webhook["matchConditions"]!.AsArray());
                Assert.Contains("'single-active' in object.metadata.annotations", (string?)condition!["expression"], StringComparison.Ordinal);
                Assert.Equal("/mutate", (string?)webhook["clientConfig"]!["service"]!["path"]);
                Assert.Equal(443, (int)webhook["clientConfig"]!["service"]!["port"]!);
            }
        }

        // A pod's worst case (its account read, 1.5 s, then provisioning, Provisioning:Timeout 5 s) must end in the
        // webhook's own denial naming what failed, not in the API server's "context deadline exceeded".
        Assert.Equal(10, (int)webhooks[0]["timeoutSeconds"]!);
        Assert.InRange((int)webhooks[1]["timeoutSeconds"]!, 1, 5);
        Assert.Equal(["pods"], Resources(webhooks[0]));
        Assert.Equal(["CREATE"], Operations(webhooks[0]));
        Assert.Equal(["deployments", "statefulsets"], Resources(webhooks[1]));
        Assert.Equal(["CREATE", "UPDATE"], Operations(webhooks[1]));
        if (overlay != "overlays/local")
        {
            Assert.Contains("object.spec.template.metadata.annotations", (string?)webhooks[1]["matchConditions"]![0]!["expression"], StringComparison.Ordinal);
        }

        // Advice on Services and budgets written after their workload: never changes nor refuses them, so it fails open.
        var advice = webhooks[2];
        Assert.Equal("Ignore", (string?)advice["failurePolicy"]);
        Assert.Equal("None", (string?)advice["sideEffects"]);
        Assert.Equal("Never", (string?)advice["reinvocationPolicy"]);
        Assert.InRange((int)advice["timeoutSeconds"]!, 1, 3);
        Assert.Equal(webhooks[0]["namespaceSelector"]!.ToJsonString(), advice["namespaceSelector"]!.ToJsonString());
        Assert.Equal(["services", "poddisruptionbudgets", "networkpolicies"], Resources(advice));
        // A NetworkPolicy's deletion too: removing the policy that let the electors out is warned about like writing a deny.
        Assert.Equal(["services:CREATE,UPDATE", "poddisruptionbudgets:CREATE,UPDATE", "networkpolicies:CREATE,UPDATE,DELETE"], OperationsByResource(advice));
        Assert.Equal(overlay == "overlays/local" ? null : "/mutate", (string?)advice["clientConfig"]!["service"]?["path"]);
        if (overlay != "overlays/local")
        {
            Assert.Equal(["selects-pods", "not-namespace-teardown"], advice["matchConditions"]!.AsArray().Select(c => (string?)c!["name"]));
            Assert.Contains("object.spec.selector", (string?)advice["matchConditions"]![0]!["expression"], StringComparison.Ordinal);
            Assert.Contains("system:serviceaccount:kube-system:namespace-controller", (string?)advice["matchConditions"]![1]!["expression"], StringComparison.Ordinal);
        }
    }

    /// <summary>The component that keeps Service and budget writes off the webhook, after legacy-scope as its comment says: the two injecting webhooks stay, the advice entry and its RBAC rule go.</summary>
    [Fact]
    public async Task NoAdviceComponent_AfterLegacyScope_RemovesTheAdviceWebhookAndItsRule()
    {
        var objects = await Kustomize.BuildWithComponentsAsync("overlays/self-signed", "components/legacy-scope", "components/no-advice");

        var webhooks = Kustomize.Single(objects, "MutatingWebhookConfiguration", "single-active-webhook")["webhooks"]!.AsArray().OfType<JsonObject>();
        Assert.Equal(["pods.single-active.io", "workloads.single-active.io"], webhooks.Select(w => (string?)w["name"]));
        Assert.All(webhooks, w => Assert.Equal("Fail", (string?)w["failurePolicy"]));
        // Exactly the apps rule goes: the NetworkPolicy list stays, the workloads' own admission warns with it.
        Assert.Equal(WebhookRules.Where(r => !r.StartsWith("apps|", StringComparison.Ordinal)), Rules(Kustomize.Single(objects, "ClusterRole", "single-active-webhook")));
    }

    [Theory]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task Deployment_Overlay_HighlyAvailableRestrictedAndProbedOverHttps(string overlay)
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir(overlay));
        var deployment = Kustomize.Single(objects, "Deployment", "single-active-webhook");
        var spec = deployment["spec"]!;
        var pod = spec["template"]!["spec"]!;
        var container = WebhookContainer(deployment);

        Assert.Equal(2, (int)spec["replicas"]!);
        Assert.NotNull(pod["affinity"]!["podAntiAffinity"]);
        Assert.Equal(65532, (int)pod["securityContext"]!["runAsUser"]!);
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.Equal(["ALL"], container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.NotNull(container["resources"]!["requests"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        Assert.Equal(("/readyz", "HTTPS"), ((string?)container["readinessProbe"]!["httpGet"]!["path"], (string?)container["readinessProbe"]!["httpGet"]!["scheme"]));
        Assert.Equal(("/healthz", "HTTPS"), ((string?)container["livenessProbe"]!["httpGet"]!["path"], (string?)container["livenessProbe"]!["httpGet"]!["scheme"]));
        Assert.InRange((int)pod["terminationGracePeriodSeconds"]!, 10, 60);

        // Service 443 -> the container's named port; the PDB selects exactly these pods.
        var service = Kustomize.Single(objects, "Service", "single-active-webhook");
        var port = Assert.Single(service["spec"]!["ports"]!.AsArray());
        Assert.Equal(443, (int)port!["port"]!);
        var containerPort = Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == (string?)port["targetPort"]);
        Assert.Equal(8443, (int)containerPort!["containerPort"]!);
        var labels = spec["template"]!["metadata"]!["labels"]!.AsObject();
        var pdb = Kustomize.Single(objects, "PodDisruptionBudget", "single-active-webhook");
        Assert.All(pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(), l => Assert.Equal((string?)l.Value, (string?)labels[l.Key]));
        Assert.All(service["spec"]!["selector"]!.AsObject(), l => Assert.Equal((string?)l.Value, (string?)labels[l.Key]));
    }

    /// <summary>
    /// The webhook's pods outrank the workloads whose creation waits on them (failurePolicy: Fail), and the quota that
    /// lets clusters limiting that class (ResourceQuota admission's limitedResources, as on GKE) admit them covers every
    /// pod a rollout runs at once.
    /// </summary>
    [Theory]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task Deployment_Overlay_ClusterCriticalPriorityCoveredByItsQuota(string overlay)
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir(overlay));
        var spec = Kustomize.Single(objects, "Deployment", "single-active-webhook")["spec"]!;

        Assert.Equal("system-cluster-critical", (string?)spec["template"]!["spec"]!["priorityClassName"]);
        var quota = Kustomize.Single(objects, "ResourceQuota", "single-active-critical-pods");
        Assert.Equal(SystemNamespace, (string?)quota["metadata"]!["namespace"]);
        var scope = Assert.Single(quota["spec"]!["scopeSelector"]!["matchExpressions"]!.AsArray())!;
        Assert.Equal(("PriorityClass", "In"), ((string?)scope["scopeName"], (string?)scope["operator"]));
        Assert.Equal(["system-cluster-critical"], scope["values"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["pods"], quota["spec"]!["hard"]!.AsObject().Select(h => h.Key));
        Assert.True(
            int.Parse((string)quota["spec"]!["hard"]!["pods"]!, System.Globalization.CultureInfo.InvariantCulture) >= (int)spec["replicas"]! + (int)spec["strategy"]!["rollingUpdate"]!["maxSurge"]!,
            "the quota must admit every replica and the rollout's surge pod");
    }

    [Fact]
    public async Task CertManagerOverlay_Objects_FitTogether()
    {
        var objects = await Kustomize.BuildAsync(Kustomize.DeployDir("overlays/cert-manager"));
        var issuers = objects.Where(o => (string?)o["kind"] == "Issuer").ToDictionary(o => (string)o["metadata"]!["name"]!);
        var certificates = objects.Where(o => (string?)o["kind"] == "Certificate").ToDictionary(o => (string)o["metadata"]!["name"]!);

        Assert.All(issuers.Values.Concat(certificates.Values), o =>
        {
            Assert.Equal("cert-manager.io/v1", (string?)o["apiVersion"]);
            Assert.Equal(SystemNamespace, (string?)o["metadata"]!["namespace"]);
        });
        Assert.All(certificates.Values, c => Assert.Contains((string)c["spec"]!["issuerRef"]!["name"]!, issuers.Keys));
        Assert.NotNull(issuers["single-active-selfsigned"]["spec"]!["selfSigned"]);

        var ca = certificates["single-active-ca"];
        Assert.True((bool)ca["spec"]!["isCA"]!);
        Assert.Equal("single-active-selfsigned", (string?)ca["spec"]!["issuerRef"]!["name"]);
        Assert.Equal((string?)ca["spec"]!["secretName"], (string?)issuers["single-active-ca"]["spec"]!["ca"]!["secretName"]);

        var serving = certificates["single-active-webhook"];
        Assert.Equal("single-active-ca", (string?)serving["spec"]!["issuerRef"]!["name"]);
        Assert.Contains("single-active-webhook.single-active-system.svc", serving["spec"]!["dnsNames"]!.AsArray().Select(n => (string?)n));
        var deployment = Kustomize.Single(objects, "Deployment", "single-active-webhook");
        var tls = Assert.Single(deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray(), v => (string?)v!["name"] == "tls");
        Assert.Equal((string?)serving["spec"]!["secretName"], (string?)tls!["secret"]!["secretName"]);

        var configuration = Kustomize.Single(objects, "MutatingWebhookConfiguration", "single-active-webhook");
        Assert.Equal($"{SystemNamespace}/single-active-webhook", (string?)configuration["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
    }

    [Fact]
    public async Task LocalOverlay_Objects_NoInClusterServer()
    {
        var kinds = (await Kustomize.BuildAsync(Kustomize.DeployDir("overlays/local"))).Select(Kustomize.Describe).ToList();

        Assert.Equal(
            [
                "Namespace/single-active-system", "ServiceAccount/single-active-webhook", "ClusterRole/single-active-doctor", "ClusterRole/single-active-elector",
                "ClusterRole/single-active-elector-label", "ClusterRole/single-active-elector-node", "ClusterRole/single-active-operator",
                "ClusterRole/single-active-viewer", "ClusterRole/single-active-webhook",
                "ClusterRoleBinding/single-active-elector-node", "ClusterRoleBinding/single-active-webhook",
                "MutatingWebhookConfiguration/single-active-webhook",
            ],
            kinds);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task Strip120_Overlay_ChangesOnlyTheDocumentedFields(string overlay)
    {
        var built = await Kustomize.BuildAsync(Kustomize.DeployDir(overlay));

        var (stripped, removed) = ApiServer120Compatibility.Strip(built);

        Assert.Equal(ApiServer120Compatibility.Documented.Order(), removed.Order());
        var differences = built.Zip(stripped).SelectMany(pair => JsonDifferences.Between(pair.First, pair.Second, Kustomize.Describe(pair.First))).ToList();
        Assert.All(differences, d => Assert.Matches(
            @"^(MutatingWebhookConfiguration/single-active-webhook \$\.webhooks\[\d\]\.matchConditions|PodDisruptionBudget/single-active-webhook \$\.(apiVersion|spec\.unhealthyPodEvictionPolicy))$",
            d));
        Assert.NotEmpty(differences);
    }

    private static JsonObject WebhookContainer(JsonObject deployment) =>
        (JsonObject)deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => (string?)c!["name"] == "webhook")!;

    private static string? Env(JsonObject container, string name) =>
        (string?)container["env"]!.AsArray().Single(e => (string?)e!["name"] == name)!["value"];

    /// <summary>The resources of every rule, in order.</summary>
    private static IEnumerable<string?> Resources(JsonObject webhook) => webhook["rules"]!.AsArray().SelectMany(rule => rule!["resources"]!.AsArray().Select(r => (string?)r));

    /// <summary>"resources:operations" per rule, lists comma-joined in manifest order.</summary>
    private static IEnumerable<string> OperationsByResource(JsonObject webhook) =>
        webhook["rules"]!.AsArray().Select(rule => $"{string.Join(',', rule!["resources"]!.AsArray().Select(r => (string?)r))}:{string.Join(',', rule["operations"]!.AsArray().Select(o => (string?)o))}");

    /// <summary>The operations, the same in every rule.</summary>
    private static IEnumerable<string?> Operations(JsonObject webhook) =>
        Assert.Single(webhook["rules"]!.AsArray().Select(rule => string.Join(',', rule!["operations"]!.AsArray().Select(o => (string?)o))).Distinct()).Split(',');

    /// <summary>"group|resources|verbs|resourceNames" per rule, lists comma-joined in manifest order; "*" for no resourceNames.</summary>
    private static List<string> Rules(JsonObject role) =>
        role["rules"]!.AsArray().Select(r => string.Join('|',
            string.Join(',', r!["apiGroups"]!.AsArray().Select(g => (string?)g)),
            string.Join(',', r["resources"]!.AsArray().Select(g => (string?)g)),
            string.Join(',', r["verbs"]!.AsArray().Select(g => (string?)g)),
            r["resourceNames"] is JsonArray names ? string.Join(',', names.Select(n => (string?)n)) : "*")).ToList();

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

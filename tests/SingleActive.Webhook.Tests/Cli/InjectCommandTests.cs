using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Manifests;

namespace SingleActive.Webhook.Tests.Cli;

public class InjectCommandTests
{
    private const string Image = "registry.example/single-active:1.0";

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
              annotations:
                single-active: "true"
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports: [{name: http, containerPort: 8080}]
                resources:
                  limits: {cpu: 1, memory: 128Mi}
                futureField: kept as written
        """;

    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: http}]
        """;

    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: job
          namespace: shop
          annotations: {single-active: "true", single-active.io/mode: label}
        spec:
          serviceAccountName: worker
          containers: [{name: job, image: busybox}]
        """;

    [Fact]
    public void Run_YamlStream_RbacFirstThenEveryDocumentInOrder()
    {
        var (exit, stdout, stderr) = Inject(string.Join("\n---\n", Deployment, Service, Pod));

        Assert.True(exit == 0, stderr);
        var output = ManifestReader.Read(stdout);
        Assert.Equal(
            ["ServiceAccount single-active-elector", "RoleBinding single-active-elector-single-active-elector",
             "ClusterRoleBinding single-active-elector-node:shop:single-active-elector",
             "RoleBinding single-active-elector-worker", "RoleBinding single-active-elector-label-worker",
             "ClusterRoleBinding single-active-elector-node:shop:worker",
             "Deployment web", "Service web", "Pod job"],
            output.Select(d => $"{d["kind"]} {d["metadata"]!["name"]}"));
        Assert.All(output.Take(6), d => Assert.Equal((string?)d["kind"] == "ClusterRoleBinding" ? null : "shop", (string?)d["metadata"]!["namespace"]));
        Assert.Equal("single-active", (string?)output[0]["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        Assert.Equal("""{"kind":"ServiceAccount","name":"worker","namespace":"shop"}""", output[4]["subjects"]![0]!.ToJsonString());
        Assert.Equal("single-active-elector-label", (string?)output[4]["roleRef"]!["name"]);

        // Offline output cannot join the shared node binding: one ClusterRoleBinding per account to the node-reading role.
        Assert.Equal("""{"kind":"ServiceAccount","name":"worker","namespace":"shop"}""", output[5]["subjects"]![0]!.ToJsonString());
        Assert.Equal(("ClusterRole", "single-active-elector-node"), ((string?)output[5]["roleRef"]!["kind"], (string?)output[5]["roleRef"]!["name"]));
        Assert.Equal("single-active", (string?)output[5]["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);

        var template = output[6]["spec"]!["template"]!;
        Assert.Equal(["web", ElectorHttp.ContainerName], template["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal(Image, (string?)template["spec"]!["containers"]![1]!["image"]);
        Assert.Contains("\"lease\":\"web\"", (string?)template["metadata"]!["annotations"]![Annotations.Status], StringComparison.Ordinal);
        Assert.Equal("single-active-elector", (string?)template["spec"]!["serviceAccountName"]);
        Assert.Equal("kept as written", (string?)template["spec"]!["containers"]![0]!["futureField"]);
        Assert.Equal("1", template["spec"]!["containers"]![0]!["resources"]!["limits"]!["cpu"]!.ToJsonString());
        Assert.Equal("100%", (string?)output[6]["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]);
        Assert.True(JsonNode.DeepEquals(ManifestReader.Read(Service)[0], output[7]));
        Assert.Contains(ElectorHttp.ContainerName, output[8]["spec"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Warning: document 1 (Deployment shop/web): single-active: set spec.strategy.rollingUpdate.maxUnavailable", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ItsOwnOutput_ComesOutUnchanged()
    {
        var (_, first, _) = Inject(string.Join("\n---\n", Deployment, Service, Pod));

        var (exit, second, stderr) = Inject(first);

        Assert.Equal(0, exit);
        Assert.Equal(first, second);
        Assert.DoesNotContain("Warning", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ItsOwnOutputWithAnotherImage_UnchangedAndSaysTheImageDoesNotApply()
    {
        var (_, first, _) = Inject(string.Join("\n---\n", Deployment, Pod));

        var (exit, second, stderr) = Run(["inject", "-f", "-", "--image", "registry.example/single-active:2.0"], first);

        Assert.Equal(0, exit);
        Assert.Equal(first, second);
        var warnings = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, warnings.Length);
        Assert.All(warnings, w => Assert.Contains(
            $"already injected, with the elector image \"{Image}\": left as it is, so the image of this run (\"registry.example/single-active:2.0\") does not apply; " +
            "to change the elector, inject the manifest as it was before injection", w, StringComparison.Ordinal));
        Assert.Contains("(Deployment shop/web): already injected", warnings[0], StringComparison.Ordinal);
        Assert.Contains("(Pod shop/job): already injected", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_JsonListWithWorkloadLevelOptIn_InjectsTheItemsTemplates()
    {
        const string Json = """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","annotations":{"single-active":"true"}},
               "spec":{"replicas":2,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
                       "template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"postgres:16"}]}}}},
              {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"db-conf"},"data":{"port":"5432"}}]}
            """;

        var (exit, stdout, stderr) = Inject(Json, "-n", "data");

        Assert.True(exit == 0, stderr);
        var output = ManifestReader.Read(stdout);
        Assert.Equal(["ServiceAccount", "RoleBinding", "ClusterRoleBinding", "List"], output.Select(d => (string?)d["kind"]));
        Assert.Equal("data", (string?)output[1]["subjects"]![0]!["namespace"]);
        Assert.Equal("single-active-elector-node:data:single-active-elector", (string?)output[2]["metadata"]!["name"]);
        var set = output[3]["items"]![0]!;
        Assert.Equal("true", (string?)set["spec"]!["template"]!["metadata"]!["annotations"]!["single-active"]);
        Assert.Equal("Parallel", (string?)set["spec"]!["podManagementPolicy"]);
        Assert.Contains(set["spec"]!["template"]!["spec"]!["containers"]!.AsArray(), c => (string?)c!["name"] == ElectorHttp.ContainerName);
        Assert.Equal("5432", (string?)output[3]["items"]![1]!["data"]!["port"]);
        Assert.Contains("port: \"5432\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LabelModeDeployment_StrategyUntouchedAndLabelBinding()
    {
        var yaml = Deployment.Replace("single-active: \"true\"", "single-active: \"true\"\n        single-active.io/mode: label", StringComparison.Ordinal);

        var (exit, stdout, _) = Inject(yaml);

        Assert.Equal(0, exit);
        var output = ManifestReader.Read(stdout);
        Assert.Equal(["ServiceAccount", "RoleBinding", "RoleBinding", "ClusterRoleBinding", "Deployment"], output.Select(d => (string?)d["kind"]));
        Assert.Null(output[4]["spec"]!["strategy"]);
    }

    /// <summary>A private elector image: the template gains the Secret, as the webhook's Injector:ImagePullSecrets gives a pod.</summary>
    [Fact]
    public void Run_ImagePullSecret_AddedToTheTemplateOnce()
    {
        var (exit, stdout, stderr) = Inject(Deployment, "--image-pull-secret", "regcred", "--image-pull-secret", "regcred");

        Assert.True(exit == 0, stderr);
        var template = ManifestReader.Read(stdout)[^1]["spec"]!["template"]!["spec"]!;
        Assert.Equal(["regcred"], template["imagePullSecrets"]!.AsArray().Select(s => (string?)s!["name"]));
    }

    /// <summary>The advice on the manifest's Services follows the mode the pods get: <c>--mode</c> for a template that names none.</summary>
    [Fact]
    public void Run_ServiceOfTheWorkloadUnderModeLabel_WarnsItSelectsEveryReplica()
    {
        var (exit, stdout, stderr) = Inject(Service + "\n---\n" + Deployment, "--mode", "label");

        Assert.Equal(0, exit);
        Assert.Contains("Warning: document 1 (Service shop/web): single-active: Deployment shop/web (label mode): service/web selects every replica, not only the leader", stderr, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(ManifestReader.Read(Service)[0], ManifestReader.Read(stdout).Single(d => (string?)d["kind"] == "Service")));
        Assert.DoesNotContain("document 1", Inject(Service + "\n---\n" + Deployment).Stderr, StringComparison.Ordinal); // readiness: this Service is right
    }

    /// <summary>
    /// Documents that name no namespace, applied with <c>-n shop</c>: the advice judges them in shop, as the webhook
    /// judges them in the request's namespace (a Service's, and the NetworkPolicy warning with its fix).
    /// </summary>
    [Fact]
    public void Run_NoNamespaceInTheDocumentsWithNamespaceFlag_AdviceJudgedInThatNamespace()
    {
        const string Deny = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny}
            spec:
              podSelector: {}
              policyTypes: [Egress]
            """;
        var unnamespaced = string.Join("\n---\n", Service, Deployment, Deny).Replace("namespace: shop", "", StringComparison.Ordinal).Replace("{name: web, }", "{name: web}", StringComparison.Ordinal);

        var (exit, _, stderr) = Inject(unnamespaced, "--mode", "label", "-n", "shop");

        Assert.True(exit == 0, stderr);
        Assert.Contains("Warning: document 1 (Service shop/web): single-active: Deployment shop/web (label mode): service/web selects every replica", stderr, StringComparison.Ordinal);
        Assert.Contains("Warning: document 2 (Deployment shop/web): single-active: the egress of the pods of Deployment shop/web is isolated by NetworkPolicy default-deny", stderr, StringComparison.Ordinal);
        Assert.Contains("kubectl apply -n shop -f deploy/examples/networkpolicy-electors-egress.yaml", stderr, StringComparison.Ordinal);
    }

    /// <summary>Services are read only for the advice: one that cannot be read passes through as before, with a warning, never an error.</summary>
    [Fact]
    public void Run_UnreadableService_PassedThroughWithAWarning()
    {
        var unreadable = Service.Replace("port: 80,", "port: eighty,", StringComparison.Ordinal);

        var (exit, stdout, stderr) = Inject(unreadable + "\n---\n" + Deployment);

        Assert.Equal(0, exit);
        Assert.Contains("Warning: document 1 (Service shop/web): cannot be read as a Service (", stderr, StringComparison.Ordinal);
        Assert.Contains("passed through unchanged, without single-active advice", stderr, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(ManifestReader.Read(unreadable)[0], ManifestReader.Read(stdout).Single(d => (string?)d["kind"] == "Service")));
    }

    [Fact]
    public void Run_NotOptedIn_EverythingPassesThroughWithoutRbac()
    {
        var yaml = Deployment.Replace("single-active: \"true\"", "single-active: \"false\"", StringComparison.Ordinal);

        var (exit, stdout, stderr) = Inject(yaml + "\n---\n" + Service);

        Assert.Equal((0, ""), (exit, stderr));
        var output = ManifestReader.Read(stdout);
        Assert.True(JsonNode.DeepEquals(new JsonArray([.. ManifestReader.Read(yaml + "\n---\n" + Service).Select(n => n.DeepClone())]), new JsonArray([.. output.Select(n => n.DeepClone())])));
    }

    [Fact]
    public void Run_OtherKindOptingIn_PassedThroughWithAWarning()
    {
        const string DaemonSet = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: shop}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}, annotations: {single-active: "true"}}
                spec: {containers: [{name: agent, image: agent:1}]}
            """;

        var (exit, stdout, stderr) = Inject(DaemonSet);

        Assert.Equal(0, exit);
        Assert.True(JsonNode.DeepEquals(ManifestReader.Read(DaemonSet)[0], ManifestReader.Read(stdout)[0]));
        Assert.Contains("Warning: document 1 (DaemonSet shop/agent): opts in to single-active, but inject handles only", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("single-active: \"true\"", "single-active: \"sure\"",
        "single-active-webhook inject: document 2 (Deployment shop/web): annotation \"single-active\" on the pod template of Deployment shop/web has the value \"sure\"")]
    [InlineData("single-active: \"true\"", "single-active: \"true\"\n        single-active.io/lease-duration: 11s",
        "single-active-webhook inject: document 2 (Deployment shop/web): Deployment shop/web cannot be admitted because its pods would be denied")]
    [InlineData("  namespace: shop\n", "",
        "single-active-webhook inject: document 2 (Deployment web): has no namespace, and the RoleBinding for its elector must name the ServiceAccount's namespace")]
    [InlineData("single-active: \"true\"", "single-active: true",
        "single-active-webhook inject: document 2 (Deployment shop/web): cannot be read as a Deployment: spec.template.metadata.annotations.single-active is not a string: quote its value (YAML reads true, yes or 9000 unquoted as a boolean or a number")]
    [InlineData("single-active: \"true\"", "single-active: \"true\"\n        single-active.io/port: 9000",
        "single-active-webhook inject: document 2 (Deployment shop/web): cannot be read as a Deployment: spec.template.metadata.annotations['single-active.io/port'] is not a string: quote its value")]
    [InlineData("replicas: 3", "replicas: three",
        "single-active-webhook inject: document 2 (Deployment shop/web): cannot be read as a Deployment: spec.replicas has a value of the wrong type for that field")]
    public void Run_BadDocument_NamesItPrintsNothingAndFails(string find, string replace, string expected)
    {
        var bad = Deployment.Replace(find, replace, StringComparison.Ordinal);

        var (exit, stdout, stderr) = Inject(Service + "\n---\n" + bad);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was written", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind: Pod\nmetadata: {name: x}\n", "document 1: not a Kubernetes object (a mapping with apiVersion and kind)")]
    [InlineData("- just\n- a list\n", "document 1: not a Kubernetes object")]
    [InlineData("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1}]\n", "document 1, item 1: not a Kubernetes object")]
    [InlineData("a: [1\n", "stdin: document 1: invalid YAML at line")]
    [InlineData("metadata:\n  annotations: {single-active: \"true\"\nspec: {}\n", "stdin: document 1: invalid YAML after line 2, column 30")]
    public void Run_NotManifests_Fails(string input, string expected)
    {
        var (exit, stdout, stderr) = Inject(input);

        Assert.Equal((1, ""), (exit, stdout));
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_File_ReadsIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"inject-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Deployment);
        try
        {
            var (exit, stdout, _) = Run(["inject", "-f", path, "--image", Image], "");

            Assert.Equal(0, exit);
            Assert.Contains(ElectorHttp.ContainerName, stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new string[0], 2, "-f FILE (or -f - for stdin) is required")]
    [InlineData(new[] { "-f" }, 2, "Required argument missing for option: '-f'.")]
    [InlineData(new[] { "-f", "-", "--color" }, 2, "Unrecognized command or argument '--color'.")]
    [InlineData(new[] { "-f", "-", "--mode", "leader" }, 2, "--mode is \"leader\"; accepted values are \"readiness\" or \"label\"")]
    [InlineData(new[] { "-f", "-", "--sidecar", "1" }, 2, "--sidecar is \"1\"; accepted values are auto, native, container")]
    [InlineData(new[] { "-f", "-", "--kubernetes-version", "new" }, 2, "--kubernetes-version is \"new\"")]
    [InlineData(new[] { "-f", "-", "-f", "-" }, 2, "stdin (-f -) can be read only once")]
    [InlineData(new[] { "-f", "/nonexistent/x.yaml" }, 1, "cannot read \"/nonexistent/x.yaml\"")]
    [InlineData(new[] { "-f", "-", "--image", "" }, 2, "--image must not be empty")]
    [InlineData(new[] { "-f", "-", "--service-account", "Bad_SA" }, 2, "--service-account \"Bad_SA\" is not a valid ServiceAccount name")]
    [InlineData(new[] { "-f", "/tmp" }, 2, "-f /tmp is a directory; give the manifest files themselves")]
    [InlineData(new[] { "-f", "-", "-n", "Bad_NS" }, 2, "--namespace \"Bad_NS\" is not a namespace name")]
    [InlineData(new[] { "-f", "-", "--image=" }, 2, "Required argument missing for option: '--image'.")]
    [InlineData(new[] { "-f", "-", "--image-pull-secret", "Reg_Cred" }, 2, "--image-pull-secret has \"Reg_Cred\", which is not a valid Secret name")]
    public void Run_BadArguments_FailWithTheProblem(string[] args, int code, string expected)
    {
        var (exit, stdout, stderr) = Run(args, Deployment);

        Assert.Equal((code, ""), (exit, stdout));
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    /// <summary>As for kubectl, -n "" is no -n: a script's unset $NS gives the output it gives without the flag.</summary>
    [Fact]
    public void Run_EmptyNamespace_AsWithoutTheFlag()
    {
        var without = Run(["-f", "-", "--image", Image], Deployment);
        var empty = Run(["-f", "-", "--image", Image, "-n", ""], Deployment);

        Assert.Equal(0, empty.Exit);
        Assert.Equal(without, empty);
    }

    [Fact]
    public void Run_NativeSidecarForANewCluster_EquivalentFlagForms()
    {
        var (exit, stdout, _) = Run(["-f=-", "--kubernetes-version=v1.30.2-eks", "--image", Image], Pod);
        var (_, same, _) = Run(["--filename", "-", "--sidecar", "native", "--image", Image], Pod);

        Assert.Equal(0, exit);
        var pod = ManifestReader.Read(stdout)[^1];
        Assert.Equal(ElectorHttp.ContainerName, (string?)pod["spec"]!["initContainers"]![0]!["name"]);
        Assert.Equal("Always", (string?)pod["spec"]!["initContainers"]![0]!["restartPolicy"]);
        // The same pod; only the reason the status annotation gives for the form differs.
        Assert.Contains("\"sidecarReason\":\"auto: API server 1.30, oldest node kubelet 1.30\"", stdout, StringComparison.Ordinal);
        Assert.Equal(stdout, same.Replace("\"sidecarReason\":\"configured: native\"", "\"sidecarReason\":\"auto: API server 1.30, oldest node kubelet 1.30\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_Help_PrintsUsage()
    {
        var (exit, stdout, _) = Run(["inject", "--help"], "");

        Assert.Equal(0, exit);
        Assert.Contains("single-active-webhook inject [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("-f, --filename <FILE|->", stdout, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Inject(string input, params string[] extra) =>
        Run(["inject", "-f", "-", "--image", Image, .. extra], input);

    private static (int Exit, string Stdout, string Stderr) Run(string[] args, string input)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = InjectCommand.Run(args, stdin, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}

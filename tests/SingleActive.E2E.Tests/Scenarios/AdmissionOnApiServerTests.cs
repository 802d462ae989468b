using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Deploy;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// Issue 2's checks against the real kube-apiserver: what it stores for injected pods, the account
/// and binding it needs, and the denial of an invalid opt-in. (The dry run: <see cref="DryRunScenarioTests"/>.)
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AdmissionOnApiServerTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task AnnotatedDeployment_DefaultAccount_PodsStoredInjectedWithDedicatedAccountAndBinding()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-deployment");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Deployment(ns, "orders", 2, Manifests.OptIn));
        var pods = await Eventually.SucceedsAsync(
            async () => await scenario.PodsAsync("orders") is { Count: 2 } found ? found : throw new InvalidOperationException("pods not created yet"),
            TimeSpan.FromSeconds(30),
            "2 pods of orders");

        foreach (var pod in pods)
        {
            AssertInjected(pod);
        }

        var account = pods[0].Spec.ServiceAccountName;
        Assert.NotEqual("default", account);
        await AssertAccountAndBindingAsync(ns, account);

        // deploy/ ships the node binding without subjects; applying it again keeps the accounts the webhook added.
        var manifest = Kustomize.Single(await Kustomize.BuildAsync(Kustomize.DeployDir("overlays/local")), "ClusterRoleBinding", ElectorRbacNames.NodeClusterRoleBinding);
        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(manifest.ToJsonString(), "apply", "-f", "-");
        output.WriteLine($"kubectl apply of the node binding again: exit {exit}: {stdout}{stderr}");
        Assert.Equal(0, exit);
        await AssertNodeBindingAsync(ns, account);
    }

    /// <summary>
    /// The README's uninstall, the workloads' part, with its own commands while the webhook runs: in label mode the role
    /// comes out of the Service's selector; one patch sets <c>single-active: "false"</c> and sets back the
    /// <c>maxUnavailable</c> the webhook had set (kubectl prints that the opt-in was removed from the template, and the
    /// strategy stays as patched); the rollout replaces the injected pods with pods without the elector. For an app
    /// that must never run twice the README's patch makes the strategy <c>Recreate</c> instead (no new pod while an old
    /// one runs), which the webhook must let through as well.
    /// </summary>
    [Theory]
    [InlineData("readiness", false)]
    [InlineData("label", false)]
    [InlineData("readiness", true)]
    public async Task Uninstall_WorkloadStepsAsDocumented_RolloutReplacesInjectedPodsWithPlainOnes(string mode, bool neverTwice)
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-uninstall-" + mode + (neverTwice ? "-recreate" : ""));
        var ns = scenario.Namespace;
        var label = mode == "label";
        await scenario.ApplyAsync(Manifests.Deployment(ns, "orders", 2, label ? Manifests.LabelMode : Manifests.OptIn)
            + "---\n" + Manifests.Service(ns, "orders", label ? $"{Labels.Role}: {Labels.Leader}" : null));
        await Eventually.SucceedsAsync(
            async () => await scenario.PodsAsync("orders") is { Count: 2 } found && found.All(p => p.Metadata.Annotations?.ContainsKey(Annotations.Status) == true) ? found : throw new InvalidOperationException("injected pods not created yet"),
            TimeSpan.FromSeconds(30),
            "2 injected pods of orders");

        if (label)
        {
            var (removed, _, removeErr) = await cluster.KubectlAsync(
                "patch", "service", "orders", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/spec/selector/single-active.io~1role"}]""");
            Assert.True(removed == 0, removeErr);
            var service = await scenario.Client.CoreV1.ReadNamespacedServiceAsync("orders", ns);
            Assert.Equal(new Dictionary<string, string> { ["app"] = "orders" }, service.Spec.Selector);
        }

        var (exit, _, stderr) = await cluster.KubectlAsync(
            "patch", "deployment", "orders", "-n", ns, "-p",
            neverTwice
                ? """{"metadata":{"annotations":{"single-active":"false"}},"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}"""
                : """{"metadata":{"annotations":{"single-active":"false"}},"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":"25%"}}}}""");
        output.WriteLine($"kubectl patch: exit {exit}: {stderr}");

        Assert.Equal(0, exit);
        Assert.Contains($"Warning: single-active: removed the annotation {Annotations.Enabled} from the pod template of Deployment {ns}/orders", stderr, StringComparison.Ordinal);
        var deployment = await scenario.Client.AppsV1.ReadNamespacedDeploymentAsync("orders", ns);
        if (neverTwice)
        {
            Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
            Assert.Null(deployment.Spec.Strategy.RollingUpdate);
        }
        else
        {
            Assert.Equal("25%", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        }

        var plain = await Eventually.SucceedsAsync(
            async () => (await scenario.PodsAsync("orders")).Where(p => p.Metadata.DeletionTimestamp is null).ToList() is { Count: 2 } found
                && found.All(p => p.Metadata.Annotations?.ContainsKey(Annotations.Status) != true)
                    ? found
                    : throw new InvalidOperationException("the injected pods are not replaced yet"),
            TimeSpan.FromSeconds(45),
            "2 pods of orders without the elector");
        Assert.All(plain, pod => Assert.DoesNotContain(pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []), c => c.Name == ElectorHttp.ContainerName));
    }

    [Fact]
    public async Task AnnotatedStatefulSet_CustomAccountNoAutomount_PodsStoredInjectedKeepingTheAccount()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-statefulset");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.ServiceAccount(ns, "reports") + "---\n" + Manifests.StatefulSet(ns, "reports", 2, Manifests.OptIn, serviceAccount: "reports", automountToken: false));
        var pods = await Eventually.SucceedsAsync(
            async () => await scenario.PodsAsync("reports") is { Count: 2 } found ? found : throw new InvalidOperationException("pods not created yet"),
            TimeSpan.FromSeconds(45),
            "2 pods of the reports StatefulSet");

        foreach (var pod in pods)
        {
            AssertInjected(pod);
            Assert.Equal("reports", pod.Spec.ServiceAccountName);
            Assert.False(pod.Spec.AutomountServiceAccountToken);
        }

        await AssertAccountAndBindingAsync(ns, "reports");
    }

    [Fact]
    public async Task CreatePod_InvalidOptInValue_DeniedWithMessageNamingTheAnnotation()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-invalid");
        var ns = scenario.Namespace;
        var invalid = new Dictionary<string, string> { [Annotations.Enabled] = "yes-please" };
        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(Manifests.Pod(ns, "ambiguous", invalid), "create", "-f", "-");
        output.WriteLine($"exit {exit}: {stdout}{stderr}");

        Assert.NotEqual(0, exit);
        Assert.Contains("denied the request", stderr, StringComparison.Ordinal);
        Assert.Contains(Annotations.Enabled, stderr, StringComparison.Ordinal);
        Assert.Contains("yes-please", stderr, StringComparison.Ordinal);
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
    }

    /// <summary>
    /// A changed Lease name through the real API server: refused while the Deployment runs pods (they would lead on the
    /// old Lease while the first new pod leads on the new one), naming both Leases and the fix; the stored template and
    /// its pods stay as they were. With <c>replicas: 0</c> in the same apply, as the denial says, it is accepted.
    /// </summary>
    [Fact]
    public async Task ApplyDeployment_LeaseNameChangedWhilePodsRun_DeniedNamingBothLeasesUntilScaledToZero()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-lease-change");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Deployment(ns, "orders", 2, Manifests.OptIn));
        var renamed = new Dictionary<string, string>(Manifests.OptIn) { [Annotations.LeaseName] = "orders-v2" };

        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(Manifests.Deployment(ns, "orders", 2, renamed), "apply", "-f", "-");
        output.WriteLine($"exit {exit}: {stdout}{stderr}");

        Assert.NotEqual(0, exit);
        Assert.Contains("denied the request", stderr, StringComparison.Ordinal);
        Assert.Contains($"Deployment {ns}/orders may run pods that campaign for Lease \"orders\", and its changed pod template names Lease \"orders-v2\"", stderr, StringComparison.Ordinal);
        Assert.Contains($"kubectl scale deployment/orders -n {ns} --replicas=0", stderr, StringComparison.Ordinal);
        var stored = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders", ns);
        Assert.False(stored.Spec.Template.Metadata.Annotations.ContainsKey(Annotations.LeaseName));

        await scenario.ApplyAsync(Manifests.Deployment(ns, "orders", 0, renamed));
        stored = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders", ns);
        Assert.Equal("orders-v2", stored.Spec.Template.Metadata.Annotations[Annotations.LeaseName]);
    }

    /// <summary>
    /// The Service advice through the real API server, with the webhook's deploy/ RBAC: kubectl prints the warning when
    /// a StatefulSet is applied after its headless governing Service that publishes not-ready addresses, and after a
    /// second Service (with a cluster IP) that does the same for clients.
    /// </summary>
    [Fact]
    public async Task ApplyStatefulSet_ServicesPublishingNotReadyAddresses_KubectlWarnsForEach()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-not-ready");
        var ns = scenario.Namespace;
        foreach (var (name, clusterIp) in new[] { ("ledger", "None"), ("ledger-clients", "") })
        {
            await scenario.ApplyAsync($$$"""
                apiVersion: v1
                kind: Service
                metadata: {name: {{{name}}}, namespace: {{{ns}}}}
                spec:
                  clusterIP: "{{{clusterIp}}}"
                  publishNotReadyAddresses: true
                  selector: {app: ledger}
                  ports: [{name: http, port: 80, targetPort: 8080}]

                """);
        }

        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(Manifests.StatefulSet(ns, "ledger", 2, Manifests.OptIn), "apply", "-f", "-");
        output.WriteLine($"exit {exit}: {stdout}{stderr}");

        Assert.Equal(0, exit);
        Assert.Contains($"Warning: single-active: headless Service {ns}/ledger, the governing Service of StatefulSet {ns}/ledger, has publishNotReadyAddresses: true", stderr, StringComparison.Ordinal);
        Assert.Contains($"Warning: single-active: Service {ns}/ledger-clients selects the pods of StatefulSet {ns}/ledger and has publishNotReadyAddresses: true", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The NetworkPolicy advice through the real API server, with the webhook's deploy/ RBAC and configuration: a default
    /// deny that lets only DNS out, written after a Deployment, gets kubectl's warning from the advice webhook, and so does
    /// the Deployment written again (no CNI enforces the policy here: the warning is what the policy's rules say); once
    /// deploy/examples' egress policy selects its pods, neither the policy nor the Deployment gets one; deleting that
    /// policy again gets the warning (a mutating webhook's DELETE: the API server sends the policy as oldObject).
    /// </summary>
    [Fact]
    public async Task NetworkPolicyAndDeployment_DefaultDenyWithoutTheApi_KubectlWarnsUntilTheElectorsMayReachIt()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-netpol");
        var ns = scenario.Namespace;
        var warning = $"Warning: single-active: the egress of the pods of Deployment {ns}/orders is isolated by NetworkPolicy default-deny, with no rule letting TCP out on port 443 or 6443";
        Assert.DoesNotContain("NetworkPolicy", await ApplyAsync(Manifests.Deployment(ns, "orders", 0, Manifests.OptIn)), StringComparison.Ordinal);

        Assert.Contains(warning, await ApplyAsync($$$"""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny, namespace: {{{ns}}}}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
              egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]

            """), StringComparison.Ordinal);
        Assert.Contains(warning, await ApplyAsync(Manifests.Deployment(ns, "orders", 1, Manifests.OptIn)), StringComparison.Ordinal);

        var example = NetworkPolicyManifestTests.ElectorsExample("egress");
        example["metadata"]!["namespace"] = ns;
        example["spec"]!["podSelector"] = new System.Text.Json.Nodes.JsonObject { ["matchLabels"] = new System.Text.Json.Nodes.JsonObject { ["app"] = "orders" } };
        Assert.DoesNotContain("NetworkPolicy", await ApplyAsync(example.ToJsonString()), StringComparison.Ordinal);
        Assert.DoesNotContain("NetworkPolicy", await ApplyAsync(Manifests.Deployment(ns, "orders", 0, Manifests.OptIn)), StringComparison.Ordinal);

        var (deleted, deleteOut, deleteErr) = await cluster.KubectlAsync("delete", "networkpolicy", "-n", ns, (string)example["metadata"]!["name"]!);
        output.WriteLine($"exit {deleted}: {deleteOut}{deleteErr}");
        Assert.Equal(0, deleted);
        Assert.Contains(warning, deleteErr, StringComparison.Ordinal);

        async Task<string> ApplyAsync(string manifest)
        {
            var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(manifest, "apply", "-f", "-");
            output.WriteLine($"exit {exit}: {stdout}{stderr}");
            Assert.Equal(0, exit);
            return stderr;
        }
    }

    /// <summary>
    /// The advice webhook (deploy/'s third entry, failurePolicy Ignore, with deploy/'s RBAC) through the real API server:
    /// a Service and a budget written after their workload get the warnings the workload's own admission gives, and
    /// kubectl prints them; a Service that selects a label-mode workload's leader label gets none. No replicas: only
    /// the templates count.
    /// </summary>
    [Fact]
    public async Task ApplyServiceAndBudgetAfterTheirWorkloads_KubectlWarns()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-advice");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(Manifests.Deployment(ns, "orders", 0, Manifests.OptIn) + "---\n" + Manifests.Deployment(ns, "ledger", 0, Manifests.LabelMode));

        async Task<string> ApplyAsync(string manifest)
        {
            var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(manifest, "apply", "-f", "-");
            output.WriteLine($"exit {exit}: {stdout}{stderr}");
            Assert.Equal(0, exit);
            return stderr;
        }

        string Service(string name, string selector, bool publishNotReady = false) => $$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: {{{name}}}, namespace: {{{ns}}}}
            spec:
              publishNotReadyAddresses: {{{(publishNotReady ? "true" : "false")}}}
              selector: {{{selector}}}
              ports: [{name: http, port: 80, targetPort: 8080}]

            """;

        Assert.Contains($"Warning: single-active: Service {ns}/orders selects the pods of Deployment {ns}/orders and has publishNotReadyAddresses: true", await ApplyAsync(Service("orders", "{app: orders}", publishNotReady: true)), StringComparison.Ordinal);
        Assert.Contains($"Warning: single-active: PodDisruptionBudget {ns}/orders selects the pods of Deployment {ns}/orders and wants 2 healthy (minAvailable 2)", await ApplyAsync($$$"""
            apiVersion: policy/v1beta1
            kind: PodDisruptionBudget
            metadata: {name: orders, namespace: {{{ns}}}}
            spec:
              minAvailable: 2
              selector: {matchLabels: {app: orders}}

            """), StringComparison.Ordinal);
        Assert.Contains($"Warning: single-active: Deployment {ns}/ledger (label mode): service/ledger selects every replica, not only the leader", await ApplyAsync(Service("ledger", "{app: ledger}")), StringComparison.Ordinal);
        Assert.DoesNotContain("Warning:", await ApplyAsync(Service("ledger-leader", "{app: ledger, single-active.io/role: leader}")), StringComparison.Ordinal);

        // An update that changes nothing the advice reads (a controller's, here kubectl annotate) is not told again.
        var (annotated, _, annotateErr) = await cluster.KubectlAsync("annotate", "service", "orders", "-n", ns, "example.com/touched=yes");
        output.WriteLine($"annotate: exit {annotated}: {annotateErr}");
        Assert.Equal(0, annotated);
        Assert.DoesNotContain("Warning:", annotateErr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A Deployment and its Service in one <c>kubectl apply</c>, in either order: whichever comes second is admitted
    /// knowing the first (the Service's advice lists the workloads up to date, the Deployment's lists the Services), so
    /// the warning is given once.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ApplyDeploymentAndServiceTogether_EitherOrder_KubectlWarnsOnce(bool deploymentFirst)
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "adm-together");
        var ns = scenario.Namespace;
        var deployment = Manifests.Deployment(ns, "orders", 0, Manifests.OptIn);
        var service = $$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: orders, namespace: {{{ns}}}}
            spec:
              publishNotReadyAddresses: true
              selector: {app: orders}
              ports: [{port: 80, targetPort: 8080}]

            """;

        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(deploymentFirst ? deployment + "---\n" + service : service + "---\n" + deployment, "apply", "-f", "-");
        output.WriteLine($"exit {exit}: {stdout}{stderr}");

        Assert.Equal(0, exit);
        var warning = $"Warning: single-active: Service {ns}/orders selects the pods of Deployment {ns}/orders and has publishNotReadyAddresses: true";
        Assert.Single(stderr.Split('\n'), line => line.StartsWith(warning, StringComparison.Ordinal));
    }

    /// <summary>
    /// The node binding does not keep the accounts of deleted namespaces: a pod's account is added, its namespace is
    /// deleted (by the namespace controller; the pod is never scheduled, so nothing waits for a kubelet), and the update
    /// that adds the next namespace's account also removes the first. With deploy/'s RBAC for the webhook.
    /// </summary>
    [Fact]
    public async Task NamespaceDeleted_NextAccountAdded_FirstAccountLeavesTheNodeBinding()
    {
        string gone;
        string account;
        await using (var first = await Scenario.StartAsync(cluster, output, "adm-gone"))
        {
            gone = first.Namespace;
            await first.ApplyAsync(Manifests.Pod(gone, "solo", Manifests.OptIn).Replace("spec:\n", "spec:\n  nodeSelector: {single-active.test/no-such-node: \"true\"}\n", StringComparison.Ordinal));
            account = (await cluster.Client.CoreV1.ReadNamespacedPodAsync("solo", gone)).Spec.ServiceAccountName;
            await AssertNodeBindingAsync(gone, account);
        }

        await Eventually.UntilAsync(
            async () => (await cluster.Client.CoreV1.ListNamespaceAsync()).Items.All(n => n.Metadata.Name != gone), TimeSpan.FromSeconds(90), $"namespace {gone} removed");
        var stillThere = (await cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.Contains(stillThere, s => s.NamespaceProperty == gone && s.Name == account);

        await using var next = await Scenario.StartAsync(cluster, output, "adm-next");
        await next.ApplyAsync(Manifests.Pod(next.Namespace, "solo", Manifests.OptIn));

        var subjects = (await cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding)).Subjects;
        Assert.DoesNotContain(subjects, s => s.NamespaceProperty == gone);
        await AssertNodeBindingAsync(next.Namespace, (await cluster.Client.CoreV1.ReadNamespacedPodAsync("solo", next.Namespace)).Spec.ServiceAccountName);
    }

    private static void AssertInjected(V1Pod pod)
    {
        Assert.Contains(Annotations.Status, pod.Metadata.Annotations.Keys);
        var elector = pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []).Single(c => c.Name == ElectorHttp.ContainerName);
        Assert.Equal(ElectorHttp.ReadyPath, elector.ReadinessProbe.HttpGet.Path);
        Assert.Equal(1, elector.ReadinessProbe.PeriodSeconds);
        Assert.Equal(1, elector.ReadinessProbe.FailureThreshold);
        Assert.Equal("metadata.name", elector.Env.Single(e => e.Name == ElectorEnv.PodName).ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", elector.Env.Single(e => e.Name == ElectorEnv.PodNamespace).ValueFrom.FieldRef.FieldPath);
        Assert.NotNull(elector.Env.Single(e => e.Name == ElectorEnv.LeaseName).Value);
        Assert.Equal("spec.nodeName", elector.Env.Single(e => e.Name == ElectorEnv.NodeName).ValueFrom.FieldRef.FieldPath);

        // Its own projected token for the final account, mounted only into the elector.
        var tokenMount = elector.VolumeMounts.Single(m => m.MountPath == "/var/run/secrets/kubernetes.io/serviceaccount");
        var volume = pod.Spec.Volumes.Single(v => v.Name == tokenMount.Name);
        Assert.Contains(volume.Projected.Sources, s => s.ServiceAccountToken is not null);
        Assert.DoesNotContain(pod.Spec.Containers.Where(c => c.Name != ElectorHttp.ContainerName), c => c.VolumeMounts?.Any(m => m.Name == tokenMount.Name) == true);
    }

    private async Task AssertAccountAndBindingAsync(string ns, string account)
    {
        await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync(account, ns);
        var binding = await cluster.Client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync($"single-active-elector-{account}", ns);
        Assert.Equal("ClusterRole", binding.RoleRef.Kind);
        Assert.Equal("single-active-elector", binding.RoleRef.Name);
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == ns);
        Assert.Equal("single-active", binding.Metadata.Labels["app.kubernetes.io/managed-by"]);
        try
        {
            await cluster.Client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync($"single-active-elector-label-{account}", ns);
            Assert.Fail("a readiness-mode account must not be bound to the label role");
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }

        await AssertNodeBindingAsync(ns, account);
    }

    /// <summary>The account reads nodes through the one ClusterRoleBinding deploy/ installs, whose subjects the webhook keeps.</summary>
    private async Task AssertNodeBindingAsync(string ns, string account)
    {
        var binding = await cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ElectorRbacNames.NodeClusterRoleBinding);
        Assert.Equal(("ClusterRole", ElectorRbacNames.NodeClusterRole), (binding.RoleRef.Kind, binding.RoleRef.Name));
        Assert.Single(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account && s.NamespaceProperty == ns);
    }
}

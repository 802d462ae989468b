using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// The test double's container lifecycle on the real control plane: app containers that run as host
/// processes, restart policies, run-to-completion pods, and native sidecars (told by the webhook's status
/// annotation, since a 1.20 API server drops <c>restartPolicy</c> on init containers) with their start
/// and stop order.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ProcessKubeletLifecycleTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    private const string Elector = ElectorHttp.ContainerName;

    /// <summary>Exits 0 only when the kubelet resolved env ($(VAR) and fieldRef), args and the working directory as it should.</summary>
    private const string ChecksItsEnvironment =
        """test "$0" = "hello world" && test "$POD" = "$HOSTNAME" && test "$(basename "$PWD")" = work""";

    /// <summary>Fails on its first run, succeeds on the next: the marker lives in the pod's directory, across restarts.</summary>
    private const string FailsOnce = "if [ -f attempted ]; then exit 0; fi; touch attempted; exit 3";

    [Theory]
    [InlineData("Never", ChecksItsEnvironment, "Succeeded", 0, 0)]
    [InlineData("Never", "exit 3", "Failed", 3, 0)]
    [InlineData("OnFailure", FailsOnce, "Succeeded", 0, 1)]
    public async Task ProcessContainer_RunsToCompletion_PhaseExitCodeAndRestartsAsAKubeletReports(string restartPolicy, string script, string phase, int exitCode, int restarts)
    {
        await cluster.GetNodesAsync();
        var ns = await cluster.CreateNamespaceAsync("kubelet-completion");
        var pod = $$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"task","namespace":"{{{ns}}}"},
             "spec":{"restartPolicy":"{{{restartPolicy}}}","terminationGracePeriodSeconds":5,"containers":[{
               "name":"task","image":"registry.example/task:1","workingDir":"/work",
               "command":["/bin/sh","-c"],"args":[{{{JsonSerializer.Serialize(script)}}},"$(GREETING)"],
               "env":[{"name":"WHO","value":"world"},{"name":"GREETING","value":"hello $(WHO)"},
                      {"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"} } }]}]}}
            """;
        await CreateAsync(pod);

        var done = await WaitForPhaseAsync(ns, "task", phase);
        var status = done.Status.ContainerStatuses.Single();
        Assert.Equal(exitCode, status.State.Terminated?.ExitCode);
        Assert.Equal(exitCode == 0 ? "Completed" : "Error", status.State.Terminated?.Reason);
        Assert.Equal(restarts, status.RestartCount);
        Assert.Contains(done.Status.Conditions, c => c.Type == "Ready" && c.Status == "False" && c.Reason == "PodCompleted");

        // A kubelet does not delete a completed pod: it stays until someone else does.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(phase, (await cluster.Client.CoreV1.ReadNamespacedPodAsync("task", ns)).Status.Phase);
        await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
    }

    [Fact]
    public async Task NativeSidecarByStatusAnnotation_AppExits_ElectorStoppedAfterItAndPodSucceeds()
    {
        var ns = await NamespaceWithElectorRightsAsync("kubelet-sidecar-done");
        await CreateAsync(NativeElectorPod(ns, "task", "Never", ["/bin/sh", "-c", "sleep 1"]));

        var done = await WaitForPhaseAsync(ns, "task", "Succeeded");
        var events = (await cluster.GetNodesAsync()).ContainerEvents(ns, "task");
        output.WriteLine(string.Join('\n', events));
        AssertOrder(events, (Elector, ContainerEventKind.Started), ("app", ContainerEventKind.Started), ("app", ContainerEventKind.Exited), (Elector, ContainerEventKind.Stopping), (Elector, ContainerEventKind.Exited));
        Assert.Equal(0, done.Status.ContainerStatuses.Single().State.Terminated?.ExitCode);
        Assert.NotNull(done.Status.InitContainerStatuses.Single().State.Terminated);
        Assert.Equal(0, done.Status.InitContainerStatuses.Single().RestartCount);
        await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
    }

    [Fact]
    public async Task NativeSidecarByStatusAnnotation_JobPod_JobControllerCountsItSucceeded()
    {
        var ns = await NamespaceWithElectorRightsAsync("kubelet-sidecar-job");
        await CreateAsync(NativeElectorJob(ns, "report", ["/bin/sh", "-c", "sleep 1"]));

        var job = await Eventually.SucceedsAsync(
            async () =>
            {
                var j = await cluster.Client.BatchV1.ReadNamespacedJobAsync("report", ns);
                return j.Status?.Succeeded == 1 ? j : throw new InvalidOperationException($"succeeded {j.Status?.Succeeded ?? 0}, active {j.Status?.Active ?? 0}, failed {j.Status?.Failed ?? 0}");
            },
            TimeSpan.FromSeconds(60),
            $"Job {ns}/report to count its pod succeeded");
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        var pod = Assert.Single((await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "job-name=report")).Items);
        Assert.Equal("Succeeded", pod.Status.Phase);
        await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
    }

    [Fact]
    public async Task NativeSidecarByStatusAnnotation_PodDeleted_AppStoppedBeforeElector()
    {
        var kubelet = await cluster.GetNodesAsync();
        var ns = await NamespaceWithElectorRightsAsync("kubelet-sidecar-delete");
        await CreateAsync(NativeElectorPod(ns, "server", "Always", ["/bin/sleep", "3600"]));
        await Eventually.UntilAsync(
            async () => (await cluster.Client.CoreV1.ReadNamespacedPodAsync("server", ns)).Status?.ContainerStatuses?.SingleOrDefault()?.State?.Running is not null,
            TimeSpan.FromSeconds(30),
            "the app container of pod server running");
        var electorStatus = (await cluster.Client.CoreV1.ReadNamespacedPodAsync("server", ns)).Status.InitContainerStatuses.Single();
        Assert.NotNull(electorStatus.State.Running);

        var delete = await cluster.KubectlAsync("delete", "pod", "server", "-n", ns, "--wait=true", "--timeout=30s");
        Assert.True(delete.ExitCode == 0, delete.StdErr);
        var events = kubelet.ContainerEvents(ns, "server");
        output.WriteLine(string.Join('\n', events));
        AssertOrder(events, ("app", ContainerEventKind.Stopping), ("app", ContainerEventKind.Exited), (Elector, ContainerEventKind.Stopping), (Elector, ContainerEventKind.Exited));
        await cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
    }

    /// <summary>
    /// What the webhook's native mode makes of a pod, as a 1.20 API server can store it: the elector first in
    /// initContainers (no restartPolicy, no probes: 1.20 drops the one and refuses the others there) and the status
    /// annotation saying "native". Created by hand in a namespace no webhook serves.
    /// </summary>
    private static JsonObject NativeElectorTemplate(string lease, string restartPolicy, string[] appCommand)
    {
        var status = $$"""{"version":"1.0.0","lease":"{{lease}}","sidecar":"native","mode":"readiness","serviceAccount":"default","port":8099}""";
        return (JsonObject)JsonNode.Parse($$$"""
            {"metadata":{"annotations":{"{{{Annotations.Status}}}":{{{JsonSerializer.Serialize(status)}}} } },
             "spec":{"restartPolicy":"{{{restartPolicy}}}","terminationGracePeriodSeconds":5,
               "initContainers":[{"name":"{{{Elector}}}","image":"registry.example/single-active:e2e","command":["/usr/local/bin/single-active-elector"],
                 "ports":[{"name":"{{{ElectorHttp.PortName}}}","containerPort":8099}],
                 "env":[{"name":"{{{ElectorEnv.PodName}}}","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"} }},
                        {"name":"{{{ElectorEnv.PodNamespace}}}","valueFrom":{"fieldRef":{"fieldPath":"metadata.namespace"} }},
                        {"name":"{{{ElectorEnv.PodUid}}}","valueFrom":{"fieldRef":{"fieldPath":"metadata.uid"} }},
                        {"name":"{{{ElectorEnv.LeaseName}}}","value":"{{{lease}}}"},{"name":"{{{ElectorEnv.Port}}}","value":"8099"}]}],
               "containers":[{"name":"app","image":"registry.example/app:1","command":{{{JsonSerializer.Serialize(appCommand)}}} }]}}
            """)!;
    }

    private static string NativeElectorPod(string ns, string name, string restartPolicy, string[] appCommand)
    {
        var pod = NativeElectorTemplate(name, restartPolicy, appCommand);
        pod["apiVersion"] = "v1";
        pod["kind"] = "Pod";
        pod["metadata"]!["name"] = name;
        pod["metadata"]!["namespace"] = ns;
        return pod.ToJsonString();
    }

    private static string NativeElectorJob(string ns, string name, string[] appCommand) =>
        new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["backoffLimit"] = 0, ["template"] = NativeElectorTemplate(name, "Never", appCommand) },
        }.ToJsonString();

    private static void AssertOrder(IReadOnlyList<ContainerEvent> events, params (string Container, ContainerEventKind Kind)[] expected)
    {
        var position = -1;
        foreach (var (container, kind) in expected)
        {
            var next = position + 1;
            while (next < events.Count && (events[next].Container != container || events[next].Kind != kind))
            {
                next++;
            }

            Assert.True(next < events.Count, $"expected {container} {kind} after event #{position} in:\n{string.Join('\n', events)}");
            position = next;
        }
    }

    /// <summary>A namespace no webhook serves, whose default account may run an elector (the deploy/ ClusterRole the webhook would bind).</summary>
    private async Task<string> NamespaceWithElectorRightsAsync(string prefix)
    {
        await cluster.GetWebhookAsync();
        await cluster.GetNodesAsync();
        var ns = await cluster.CreateNamespaceAsync(prefix);
        await cluster.Client.CoreV1.PatchNamespaceAsync(
            new V1Patch("""{"metadata":{"labels":{"single-active.io/injection":"disabled"}}}""", V1Patch.PatchType.MergePatch), ns);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "elector" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "single-active-elector" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "default", NamespaceProperty = ns }],
            },
            ns);
        return ns;
    }

    private async Task CreateAsync(string manifest)
    {
        var (exit, stdout, stderr) = await cluster.KubectlWithInputAsync(manifest, "create", "-f", "-");
        Assert.True(exit == 0, $"kubectl create failed: {stderr}{stdout}");
    }

    private Task<V1Pod> WaitForPhaseAsync(string ns, string name, string phase) =>
        Eventually.SucceedsAsync(
            async () =>
            {
                var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync(name, ns);
                return pod.Status?.Phase == phase ? pod : throw new InvalidOperationException($"phase {pod.Status?.Phase}");
            },
            TimeSpan.FromSeconds(30),
            $"pod {ns}/{name} {phase}");
}

using k8s;
using k8s.Models;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>The test double itself, on the real control plane, before any scenario leans on it.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ProcessKubeletTests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task PlainPod_ScheduledRunningAndReady_IsTheServiceEndpointUntilDeleted()
    {
        var kubelet = await cluster.GetNodesAsync();
        var ns = await cluster.CreateNamespaceAsync("kubelet");
        var apply = await cluster.KubectlWithInputAsync($$$"""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: {{{ns}}}}
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: {{{ns}}}, labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: app
                  image: registry.example/app:1
                  ports: [{containerPort: 8080}]
                  readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
            """, "apply", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr);

        var pod = await Eventually.SucceedsAsync(
            async () =>
            {
                var p = await cluster.Client.CoreV1.ReadNamespacedPodAsync("web", ns);
                return p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? p : throw new InvalidOperationException("not ready");
            },
            TimeSpan.FromSeconds(30),
            "pod web Ready");
        Assert.Contains(kubelet.Nodes, node => node.NodeName == pod.Spec.NodeName);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.Equal(kubelet.Nodes.Single(n => n.NodeName == pod.Spec.NodeName).PodIp(ns, "web")?.ToString(), pod.Status.PodIP);
        await Eventually.UntilAsync(async () => await Endpoints.ReadyCountAsync(cluster.Client, ns, "web") == 1, TimeSpan.FromSeconds(10), "web in the endpoints");

        // A condition someone else owns (a readiness gate, the elector's candidacy) survives the kubelet's writes, as with a real kubelet.
        await cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"example.com/gate","status":"True"}]}}""", V1Patch.PatchType.StrategicMergePatch), "web", ns);
        kubelet.SetAppReady(ns, "web", ready: false);
        await Eventually.UntilAsync(async () => await Endpoints.ReadyCountAsync(cluster.Client, ns, "web") == 0, TimeSpan.FromSeconds(10), "web out of the endpoints after its app turned unready");
        Assert.Contains((await cluster.Client.CoreV1.ReadNamespacedPodAsync("web", ns)).Status.Conditions, c => c.Type == "example.com/gate" && c.Status == "True");
        kubelet.SetAppReady(ns, "web", ready: true);
        await Eventually.UntilAsync(async () => await Endpoints.ReadyCountAsync(cluster.Client, ns, "web") == 1, TimeSpan.FromSeconds(10), "web back in the endpoints");

        var delete = await cluster.KubectlAsync("delete", "pod", "web", "-n", ns, "--wait=true", "--timeout=30s");
        Assert.True(delete.ExitCode == 0, delete.StdErr);
        Assert.False(kubelet.IsRunning(ns, "web"));
    }
}

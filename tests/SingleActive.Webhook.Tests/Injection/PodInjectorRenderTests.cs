using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Injection;
using static SingleActive.Webhook.Tests.Injection.Rendered;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>render: the elector container, its port, volume and placement.</summary>
public class PodInjectorRenderTests
{
    private const string On = "\"single-active\":\"true\"";

    [Fact]
    public void Inject_Defaults_RenderTheElectorContainer()
    {
        var result = Inject(TestPods.Pod());
        var elector = Elector(result.Pod);

        Assert.Equal("single-active:dev", elector.Image);
        Assert.Equal(["/usr/local/bin/single-active-elector"], elector.Command);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["POD_NAME"] = "fieldRef:metadata.name",
                ["POD_NAMESPACE"] = "fieldRef:metadata.namespace",
                ["POD_UID"] = "fieldRef:metadata.uid",
                ["NODE_NAME"] = "fieldRef:spec.nodeName",
                ["SINGLE_ACTIVE_LEASE_NAME"] = "web",
                ["SINGLE_ACTIVE_LEASE_DURATION"] = "15s",
                ["SINGLE_ACTIVE_RENEW_DEADLINE"] = "10s",
                ["SINGLE_ACTIVE_RETRY_PERIOD"] = "2s",
                ["SINGLE_ACTIVE_PORT"] = "8099",
                ["SINGLE_ACTIVE_APP_PROBE"] = "{\"type\":\"http\",\"host\":\"\",\"port\":8080,\"path\":\"/ready\",\"headers\":[],\"timeoutSeconds\":1,\"periodSeconds\":7,\"failureThreshold\":3}",
                ["POD_IP"] = "fieldRef:status.podIP",
            },
            Env(elector));
        var port = Assert.Single(elector.Ports);
        Assert.Equal((ElectorHttp.PortName, 8099, "TCP", (int?)null), (port.Name, port.ContainerPort, port.Protocol, port.HostPort));
        Assert.Null(elector.RestartPolicy);
    }

    [Fact]
    public void Inject_Defaults_PodIdentityComesFirstFromTheDownwardApi()
    {
        var elector = Elector(Inject(TestPods.Pod()).Pod);

        // POD_UID is the involvedObject.uid of the elector's Events; without it `kubectl describe pod` omits them.
        // NODE_NAME is the node the elector watches for a cordon or drain taint.
        Assert.Equal(
            [(ElectorEnv.PodName, "metadata.name"), (ElectorEnv.PodNamespace, "metadata.namespace"), (ElectorEnv.PodUid, "metadata.uid"), (ElectorEnv.NodeName, "spec.nodeName")],
            elector.Env.Take(4).Select(e => (e.Name, e.ValueFrom?.FieldRef?.FieldPath)));
        Assert.All(elector.Env.Take(4), e => Assert.Equal("v1", e.ValueFrom.FieldRef.ApiVersion));
    }

    [Fact]
    public void Inject_NoDrainTaintsAnnotation_RendersNoList()
    {
        var elector = Elector(Inject(TestPods.Pod()).Pod);

        // The elector then watches for DrainTaints.Default of its own version.
        Assert.DoesNotContain(elector.Env, e => e.Name == ElectorEnv.DrainTaints);
    }

    [Theory]
    [InlineData("karpenter.sh/disrupted", "karpenter.sh/disrupted")]
    [InlineData(" node.kubernetes.io/unschedulable , example.com/retiring=soon ", "node.kubernetes.io/unschedulable,example.com/retiring=soon")]
    [InlineData("ToBeDeletedByClusterAutoscaler,ToBeDeletedByClusterAutoscaler", "ToBeDeletedByClusterAutoscaler")]
    public void Inject_DrainTaintsAnnotation_RendersTheNormalizedList(string annotation, string expected)
    {
        var pod = TestPods.Pod($"{On},\"{Annotations.DrainTaints}\":\"{annotation}\"");

        var elector = Elector(Inject(pod).Pod);

        Assert.Equal(expected, Env(elector)[ElectorEnv.DrainTaints]);
    }

    [Fact]
    public void Inject_Defaults_ProbesFollowTheSafetyBound()
    {
        var elector = Elector(Inject(TestPods.Pod()).Pod);

        var ready = elector.ReadinessProbe;
        Assert.Equal(("/readyz", "sa-elector", "HTTP"), (ready.HttpGet.Path, ready.HttpGet.Port.Value, ready.HttpGet.Scheme));
        Assert.Equal((1, 1, 1, 1), (ready.PeriodSeconds, ready.FailureThreshold, ready.TimeoutSeconds, ready.SuccessThreshold));
        var live = elector.LivenessProbe;
        Assert.Equal(("/healthz", "sa-elector"), (live.HttpGet.Path, live.HttpGet.Port.Value));
        Assert.Equal((5, 3, 1), (live.PeriodSeconds, live.FailureThreshold, live.TimeoutSeconds));
    }

    [Fact]
    public void Inject_Defaults_SmallResourcesAndRestrictedSecurityContext()
    {
        var elector = Elector(Inject(TestPods.Pod()).Pod);

        Assert.Equal("10m", elector.Resources.Requests["cpu"].ToString());
        Assert.Equal("24Mi", elector.Resources.Requests["memory"].ToString());
        Assert.Equal("48Mi", elector.Resources.Limits["memory"].ToString());
        Assert.False(elector.Resources.Limits.ContainsKey("cpu"));
        var sc = elector.SecurityContext;
        Assert.True(sc.RunAsNonRoot);

        // The image's own numeric user (65532) runs it; no fixed uid, so platforms that assign one can.
        Assert.Null(sc.RunAsUser);
        Assert.Null(sc.RunAsGroup);
        Assert.False(sc.AllowPrivilegeEscalation);
        Assert.True(sc.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], sc.Capabilities.Drop);
        Assert.Equal("RuntimeDefault", sc.SeccompProfile.Type);
    }

    /// <summary>
    /// A pod-level runAsUser applies to every container without its own, and the kubelet refuses a runAsNonRoot container
    /// that would run as uid 0: under a pod that runs as root the elector names the image's user; under any other it
    /// inherits the pod's, as before.
    /// </summary>
    [Theory]
    [InlineData("\"securityContext\":{\"runAsUser\":0}", ElectorContainer.ImageUser)]
    [InlineData("\"securityContext\":{\"runAsUser\":1000}", null)]
    [InlineData("\"securityContext\":{\"runAsNonRoot\":false}", null)]
    public void Inject_PodRunsAsRoot_TheElectorRunsAsTheImagesUser(string spec, long? runAsUser)
    {
        var elector = Elector(Inject(TestPods.Pod(spec: spec)).Pod);

        Assert.Equal(runAsUser, elector.SecurityContext.RunAsUser);
        Assert.True(elector.SecurityContext.RunAsNonRoot);
    }

    [Fact]
    public void ImageUser_IsTheDockerfilesUser()
    {
        var dockerfile = File.ReadAllLines(SingleActive.Tests.Shared.RepositoryFiles.Find("Dockerfile"));

        Assert.Contains($"USER {ElectorContainer.ImageUser}:{ElectorContainer.ImageUser}", dockerfile);
    }

    [Fact]
    public void Inject_Options_ChangeImageCommandAndResources()
    {
        var options = new InjectorOptions
        {
            Image = "registry.example/single-active:1.2.3",
            ImagePullPolicy = "Always",
            Command = ["/bin/elector", "--verbose"],
            CpuRequest = "5m",
            MemoryRequest = "16Mi",
            MemoryLimit = "32Mi",
            CpuLimit = "100m",
        };

        var elector = Elector(Inject(TestPods.Pod(), options).Pod);

        Assert.Equal(("registry.example/single-active:1.2.3", "Always"), (elector.Image, elector.ImagePullPolicy));
        Assert.Equal(["/bin/elector", "--verbose"], elector.Command);
        Assert.Equal(("5m", "16Mi", "32Mi", "100m"), (elector.Resources.Requests["cpu"].ToString(), elector.Resources.Requests["memory"].ToString(), elector.Resources.Limits["memory"].ToString(), elector.Resources.Limits["cpu"].ToString()));
    }

    [Fact]
    public void Inject_TokenVolume_IsProjectedAndMountedOnlyIntoTheElector()
    {
        var pod = Inject(TestPods.Pod(spec: "\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}]")).Pod;

        var volume = Assert.Single(pod.Spec.Volumes);
        Assert.Equal("single-active-token", volume.Name);
        var sources = volume.Projected.Sources;
        Assert.Equal(("token", 3607L), (sources[0].ServiceAccountToken.Path, sources[0].ServiceAccountToken.ExpirationSeconds));
        Assert.Equal(("kube-root-ca.crt", "ca.crt", "ca.crt"), (sources[1].ConfigMap.Name, sources[1].ConfigMap.Items[0].Key, sources[1].ConfigMap.Items[0].Path));
        Assert.Equal(("namespace", "metadata.namespace"), (sources[2].DownwardAPI.Items[0].Path, sources[2].DownwardAPI.Items[0].FieldRef.FieldPath));
        var mount = Assert.Single(Elector(pod).VolumeMounts);
        Assert.Equal(("single-active-token", "/var/run/secrets/kubernetes.io/serviceaccount", true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty));
        Assert.All(PodContainers.All(pod.Spec).Where(c => c.Name != ElectorHttp.ContainerName), c => Assert.Null(c.VolumeMounts));
    }

    [Theory]
    [InlineData(SidecarMode.Auto, null, false)]
    [InlineData(SidecarMode.Auto, "1.28.9", false)]
    [InlineData(SidecarMode.Auto, "1.29.0", true)]
    [InlineData(SidecarMode.Auto, "1.31.2", true)]
    [InlineData(SidecarMode.Native, null, true)]
    [InlineData(SidecarMode.Container, "1.31.2", false)]
    public void Inject_SidecarMode_PicksNativeOrContainer(SidecarMode mode, string? server, bool native)
    {
        var pod = TestPods.Pod(spec: "\"initContainers\":[{\"name\":\"migrate\",\"image\":\"m\"}]");

        var result = Inject(pod, new InjectorOptions { SidecarMode = mode }, server is null ? null : Version.Parse(server));

        var spec = result.Pod.Spec;
        if (native)
        {
            Assert.Equal([ElectorHttp.ContainerName, "migrate"], spec.InitContainers.Select(c => c.Name));
            Assert.Equal("Always", spec.InitContainers[0].RestartPolicy);
            Assert.Equal(["app"], spec.Containers.Select(c => c.Name));
        }
        else
        {
            Assert.Equal(["migrate"], spec.InitContainers.Select(c => c.Name));
            Assert.Equal(["app", ElectorHttp.ContainerName], spec.Containers.Select(c => c.Name));
        }

        Assert.Equal(native ? "native" : "container", result.Status.Sidecar);
    }

    [Theory]
    [InlineData("", 8099)]
    [InlineData("\"ports\":[{\"containerPort\":8099}]", 8100)]
    [InlineData("\"ports\":[{\"containerPort\":80,\"hostPort\":8099}]", 8100)]
    [InlineData("\"readinessProbe\":{\"tcpSocket\":{\"port\":8099}}", 8100)]
    [InlineData("\"livenessProbe\":{\"httpGet\":{\"port\":8099}},\"startupProbe\":{\"grpc\":{\"port\":8100}}", 8101)]
    [InlineData("\"lifecycle\":{\"preStop\":{\"httpGet\":{\"port\":8099}}}", 8100)]
    public void Inject_PortInUse_PicksTheNextFreePort(string sidecarMembers, int expected)
    {
        // The other container is an init container, whose ports share the pod's network namespace too.
        var pod = TestPods.Pod(spec: "\"initContainers\":[{\"name\":\"other\",\"image\":\"o\"" + (sidecarMembers.Length > 0 ? "," + sidecarMembers : "") + "}]");

        var result = Inject(pod);

        Assert.Equal(expected, Elector(result.Pod).Ports[0].ContainerPort);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), Env(Elector(result.Pod))["SINGLE_ACTIVE_PORT"]);
        Assert.Equal(expected, result.Status.Port);
    }

    [Fact]
    public void Inject_PortAnnotation_IsUsed()
    {
        var result = Inject(TestPods.Pod($"{On},\"single-active.io/port\":\"9443\""));

        Assert.Equal(9443, Elector(result.Pod).Ports[0].ContainerPort);
    }

    [Fact]
    public void Inject_HostNetworkWithPort_SetsHostPort()
    {
        var result = Inject(TestPods.Pod($"{On},\"single-active.io/port\":\"9500\"", "\"hostNetwork\":true"));

        var port = Elector(result.Pod).Ports[0];
        Assert.Equal((9500, (int?)9500), (port.ContainerPort, port.HostPort));
    }
}

using System.Text.Json.Nodes;
using k8s;
using SingleActive.Contract;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Injection;
using static SingleActive.Webhook.Tests.Injection.Rendered;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>render: what app containers get (and keep), the status annotation, purity.</summary>
public class PodInjectorAppContainerTests
{
    /// <summary>The probe as the elector will run it: the kubelet's target, scheme, headers and timings, named ports resolved.</summary>
    [Theory]
    [InlineData("{\"httpGet\":{\"path\":\"/ready\",\"port\":\"http\"}}",
        "{\"type\":\"http\",\"host\":\"\",\"port\":8080,\"path\":\"/ready\",\"headers\":[],\"timeoutSeconds\":1,\"periodSeconds\":10,\"failureThreshold\":3}")]
    [InlineData("{\"httpGet\":{\"path\":\"/ready\",\"port\":9000,\"scheme\":\"HTTPS\"},\"timeoutSeconds\":2,\"periodSeconds\":5,\"failureThreshold\":4}",
        "{\"type\":\"https\",\"host\":\"\",\"port\":9000,\"path\":\"/ready\",\"headers\":[],\"timeoutSeconds\":2,\"periodSeconds\":5,\"failureThreshold\":4}")]
    [InlineData("{\"httpGet\":{\"path\":\"/api.php\",\"port\":9000,\"httpHeaders\":[{\"name\":\"Host\",\"value\":\"wiki.shop.internal\"}]}}",
        "{\"type\":\"http\",\"host\":\"\",\"port\":9000,\"path\":\"/api.php\",\"headers\":[{\"name\":\"Host\",\"value\":\"wiki.shop.internal\"}],\"timeoutSeconds\":1,\"periodSeconds\":10,\"failureThreshold\":3}")]
    [InlineData("{\"httpGet\":{\"port\":\"http\",\"host\":\"localhost\"}}",
        "{\"type\":\"http\",\"host\":\"localhost\",\"port\":8080,\"path\":\"/\",\"headers\":[],\"timeoutSeconds\":1,\"periodSeconds\":10,\"failureThreshold\":3}")]
    [InlineData("{\"httpGet\":{\"path\":\"ready?x=1\",\"port\":8080}}",
        "{\"type\":\"http\",\"host\":\"\",\"port\":8080,\"path\":\"/ready?x=1\",\"headers\":[],\"timeoutSeconds\":1,\"periodSeconds\":10,\"failureThreshold\":3}")]
    [InlineData("{\"tcpSocket\":{\"port\":\"http\"},\"periodSeconds\":2}",
        "{\"type\":\"tcp\",\"host\":\"\",\"port\":8080,\"timeoutSeconds\":1,\"periodSeconds\":2,\"failureThreshold\":3}")]
    [InlineData("{\"exec\":{\"command\":[\"true\"]}}", null)]
    public void Inject_AppReadinessProbe_BecomesTheAppProbe(string probe, string? expected)
    {
        var app = "{\"name\":\"app\",\"image\":\"a\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080}],\"readinessProbe\":" + probe + "}";

        var env = Env(Elector(Inject(TestPods.Pod(spec: $"\"containers\":[{app}]")).Pod));

        Assert.Equal(expected, env.GetValueOrDefault("SINGLE_ACTIVE_APP_PROBE"));
        Assert.Equal(expected is null ? null : "fieldRef:status.podIP", env.GetValueOrDefault("POD_IP"));
        Assert.DoesNotContain("SINGLE_ACTIVE_APP_HEALTH_URL", env.Keys);
    }

    [Fact]
    public void Inject_ExecProbe_WarnsNamingTheContainer()
    {
        var spec = "\"containers\":[{\"name\":\"db\",\"image\":\"a\",\"readinessProbe\":{\"exec\":{\"command\":[\"pg_isready\"]}}}]";

        var warning = Assert.Single(Inject(TestPods.Pod(spec: spec)).Warnings, w => w.Contains("readinessProbe", StringComparison.Ordinal));

        Assert.Contains("the readinessProbe of container \"db\" is an exec probe, which the elector cannot run as the kubelet does", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Inject_AppHealthFromSecondContainer_IsIgnored()
    {
        var spec = "\"containers\":[{\"name\":\"a\",\"image\":\"a\"},{\"name\":\"b\",\"image\":\"b\",\"readinessProbe\":{\"httpGet\":{\"port\":80}}}]";

        Assert.DoesNotContain("SINGLE_ACTIVE_APP_PROBE", Env(Elector(Inject(TestPods.Pod(spec: spec)).Pod)).Keys);
    }

    [Fact]
    public void Inject_UnresolvableNamedProbePort_WarnsAndSkipsAppHealth()
    {
        var spec = "\"containers\":[{\"name\":\"a\",\"image\":\"a\",\"readinessProbe\":{\"httpGet\":{\"port\":\"nope\"}}}]";

        var result = Inject(TestPods.Pod(spec: spec));

        Assert.Contains(result.Warnings, w => w.Contains("\"nope\"", StringComparison.Ordinal));
        Assert.DoesNotContain("SINGLE_ACTIVE_APP_PROBE", Env(Elector(result.Pod)).Keys);
    }

    [Fact]
    public void Inject_AppHealthDisabled_RendersNoUrl()
    {
        var result = Inject(TestPods.Pod(), new InjectorOptions { AppHealthFromReadinessProbe = false });

        Assert.DoesNotContain("SINGLE_ACTIVE_APP_PROBE", Env(Elector(result.Pod)).Keys);
    }

    [Fact]
    public void Inject_AppContainers_OnlyGainTheStatusUrl()
    {
        var spec = "\"containers\":[" + TestPods.AppContainer + ",{\"name\":\"side\",\"image\":\"s\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}],\"livenessProbe\":{\"exec\":{\"command\":[\"x\"]}},\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]," +
            "\"initContainers\":[{\"name\":\"init\",\"image\":\"i\"}]";
        var original = TestPods.Pod(spec: spec);

        var result = Inject(original, new InjectorOptions { SidecarMode = SidecarMode.Native });

        for (var i = 0; i < original.Spec.Containers.Count; i++)
        {
            var expected = TestPods.ToNode(original).AsObject()["spec"]!["containers"]![i]!.AsObject();
            var env = expected["env"] as JsonArray ?? [];
            expected.Remove("env");
            env.Add(new JsonObject { ["name"] = "SINGLE_ACTIVE_STATUS_URL", ["value"] = "http://127.0.0.1:8099/status" });
            expected["env"] = env;
            var actual = JsonNode.Parse(KubernetesJson.Serialize(result.Pod.Spec.Containers[i]))!;
            Assert.True(JsonNode.DeepEquals(expected, actual), actual.ToJsonString());
        }

        var init = result.Pod.Spec.InitContainers.Single(c => c.Name == "init");
        Assert.Null(init.Env);
    }

    [Fact]
    public void Inject_AppWithOwnStatusUrl_KeepsIt()
    {
        var spec = "\"containers\":[{\"name\":\"a\",\"image\":\"a\",\"env\":[{\"name\":\"SINGLE_ACTIVE_STATUS_URL\",\"value\":\"http://elsewhere/status\"}]}]";

        var app = Inject(TestPods.Pod(spec: spec)).Pod.Spec.Containers[0];

        Assert.Equal("http://elsewhere/status", Assert.Single(app.Env).Value);
    }

    [Fact]
    public void Inject_StatusAnnotation_DescribesTheInjection()
    {
        var result = Inject(TestPods.Pod(), new InjectorOptions { SidecarMode = SidecarMode.Native });

        var status = JsonNode.Parse(result.Pod.Metadata.Annotations[Annotations.Status])!;
        Assert.Equal(InjectionStatus.InjectorVersion, (string)status["version"]!);
        Assert.Equal(("web", "native", "readiness", "single-active-elector", 8099), ((string)status["lease"]!, (string)status["sidecar"]!, (string)status["mode"]!, (string)status["serviceAccount"]!, (int)status["port"]!));
        Assert.Equal("configured: native", (string)status["sidecarReason"]!);
        Assert.Equal(status.ToJsonString(), result.Pod.Metadata.Annotations[Annotations.Status]);
    }

    [Fact]
    public void Inject_InputPod_IsNotMutated()
    {
        var pod = TestPods.Pod(spec: "\"serviceAccountName\":\"default\"");
        var before = KubernetesJson.Serialize(pod);

        Inject(pod);

        Assert.Equal(before, KubernetesJson.Serialize(pod));
    }

    [Fact]
    public void Inject_InjectedPod_IsAlreadyInjectedTheSecondTime()
    {
        var injected = Inject(TestPods.Pod()).Pod;

        Assert.Equal(Decisions.AlreadyInjected, new PodInjector(new InjectorOptions()).Inject(injected, new InjectionContext("shop")).Decision);
    }
}

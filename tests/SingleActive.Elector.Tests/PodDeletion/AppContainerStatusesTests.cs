using System.Text.Json.Nodes;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Tests.PodDeletion;

/// <summary>The app containers' readiness as the kubelet writes it into the pod's status.</summary>
public sealed class AppContainerStatusesTests
{
    private const string Spec = "\"spec\":{\"containers\":[{\"name\":\"app\"},{\"name\":\"single-active-elector\"}]}";

    [Theory]
    [InlineData("""{"name":"app","ready":true,"state":{"running":{}}}""", null)]
    [InlineData("""{"name":"app","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 40s"}}}""", "container app is not ready: waiting (CrashLoopBackOff)")]
    [InlineData("""{"name":"app","ready":false,"state":{"waiting":{"reason":"ImagePullBackOff"}}}""", "container app is not ready: waiting (ImagePullBackOff)")]
    [InlineData("""{"name":"app","ready":false,"state":{"terminated":{"exitCode":137,"reason":"OOMKilled"}}}""", "container app is not ready: terminated (OOMKilled, exit code 137)")]
    [InlineData("""{"name":"app","ready":false,"state":{"terminated":{"exitCode":1}}}""", "container app is not ready: terminated (exit code 1)")]
    [InlineData("""{"name":"app","ready":false,"started":true,"state":{"running":{}}}""", "container app is not ready: running, its readiness or startup probe has not passed")]
    [InlineData("""{"name":"app","state":{"waiting":{}}}""", "container app is not ready: waiting")]
    public void FirstNotReady_AppContainerStatus_SaysWhy(string appStatus, string? expected)
    {
        var pod = Pod($$$"""{{{Spec}}},"status":{"containerStatuses":[{{{appStatus}}},{"name":"single-active-elector","ready":false}]}""");

        Assert.Equal(expected, AppContainerStatuses.FirstNotReady(pod));
        Assert.Equal(expected, KubernetesOwnPodStore.ToSnapshot(pod, removed: false).AppContainerNotReady);
    }

    /// <summary>The elector's own readiness is leadership (a standby's is false by design): never an app container's verdict.</summary>
    [Theory]
    [InlineData(
        """{"containers":[{"name":"app"},{"name":"single-active-elector"}]}""",
        """{"containerStatuses":[{"name":"app","ready":true},{"name":"single-active-elector","ready":false}]}""")]
    [InlineData(
        """{"initContainers":[{"name":"single-active-elector"}],"containers":[{"name":"app"}]}""",
        """{"containerStatuses":[{"name":"app","ready":true}],"initContainerStatuses":[{"name":"single-active-elector","ready":false}]}""")]
    public void FirstNotReady_ElectorNotReady_NotCounted(string spec, string status)
    {
        var pod = Pod($$$"""
            "spec":{{{spec}}},"status":{{{status}}}
            """);

        Assert.Null(AppContainerStatuses.FirstNotReady(pod));
    }

    [Fact]
    public void FirstNotReady_NoStatusForAnAppContainerYet_NotStarted()
    {
        var pod = Pod($$$"""{{{Spec}}},"status":{"initContainerStatuses":[{"name":"single-active-elector","ready":false}]}""");

        Assert.Equal("container app has not started yet", AppContainerStatuses.FirstNotReady(pod));
    }

    /// <summary>Every app container counts (a second app container, a mesh proxy as a regular container): the pod needs all ready.</summary>
    [Fact]
    public void FirstNotReady_SecondContainerNotReady_NamesIt()
    {
        var pod = Pod("""
            "spec":{"containers":[{"name":"app"},{"name":"istio-proxy"}]},
            "status":{"containerStatuses":[{"name":"istio-proxy","ready":false,"state":{"running":{}}},{"name":"app","ready":true}]}
            """);

        Assert.Equal("container istio-proxy is not ready: running, its readiness or startup probe has not passed", AppContainerStatuses.FirstNotReady(pod));
    }

    [Fact]
    public void FirstNotReady_NoSpec_Ready() =>
        Assert.Null(AppContainerStatuses.FirstNotReady(Pod("\"metadata\":{\"uid\":\"0b1e\"}")));

    private static JsonObject Pod(string members) => (JsonObject)JsonNode.Parse("{" + members + "}")!;
}

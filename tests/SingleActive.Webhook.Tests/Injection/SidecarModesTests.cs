using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>The elector's form: native only where the API server and every node's kubelet can run native sidecars.</summary>
public class SidecarModesTests
{
    public static TheoryData<SidecarMode, string?, string?, bool, string> Rows => new()
    {
        // mode, API server, oldest kubelet, native, reason
        { SidecarMode.Native, null, null, true, "configured: native" },
        { SidecarMode.Native, "1.28", "1.27", true, "configured: native" },
        { SidecarMode.Native, "1.20", "1.20", false, "configured: native, but the API server is 1.20 and cannot store native sidecars (1.28 or newer)" },
        { SidecarMode.Container, "1.31", "1.31", false, "configured: container" },
        { SidecarMode.Auto, null, "1.30", false, "auto: API server version unknown" },
        { SidecarMode.Auto, "1.20", "1.20", false, "auto: API server 1.20 (native sidecars need 1.29)" },
        { SidecarMode.Auto, "1.30", null, false, "auto: node kubelet versions unknown" },
        { SidecarMode.Auto, "1.30", "1.28", false, "auto: oldest node kubelet 1.28 (native sidecars need 1.29 on every node)" },
        { SidecarMode.Auto, "1.30", "1.29", true, "auto: API server 1.30, oldest node kubelet 1.29" },
        { SidecarMode.Auto, "1.29", "1.31", true, "auto: API server 1.29, oldest node kubelet 1.31" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Choose_Row_NativeOnlyWhereEveryPartCanRunIt(SidecarMode mode, string? server, string? kubelet, bool native, string reason) =>
        Assert.Equal(new SidecarChoice(native, reason), SidecarModes.Choose(mode, server is null ? null : Version.Parse(server), kubelet is null ? null : Version.Parse(kubelet)));

    [Fact]
    public void Inject_ControlPlaneFirstUpgrade_RegularContainerAndTheStatusSaysWhy()
    {
        var result = new PodInjector(new InjectorOptions()).Inject(TestPods.Pod(), new InjectionContext("shop", ServerVersion: new Version(1, 30), OldestKubelet: new Version(1, 28, 5)));

        var injected = Assert.IsType<InjectedPod>(result.Injected);
        Assert.Contains(injected.Pod.Spec.Containers, c => c.Name == "single-active-elector");
        Assert.Null(injected.Pod.Spec.InitContainers);
        Assert.Contains("\"sidecar\":\"container\",\"sidecarReason\":\"auto: oldest node kubelet 1.28", injected.Pod.Metadata.Annotations["single-active.io/status"], StringComparison.Ordinal);
    }
}

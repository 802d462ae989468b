using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public class PodPortsTests
{
    [Theory]
    [InlineData(8099, new int[0], 8099)]
    [InlineData(8099, new[] { 8099, 8100 }, 8101)]
    [InlineData(65535, new[] { 65535 }, 1024)]
    [InlineData(65534, new[] { 65534, 65535, 1024 }, 1025)]
    public void ChooseFree_UsedPorts_PicksTheNextFreeNeverPrivileged(int preferred, int[] used, int expected) =>
        Assert.Equal(expected, PodPorts.ChooseFree(preferred, used.ToHashSet()));

    [Fact]
    public void InUse_NamedProbePorts_AreNotNumbers()
    {
        var pod = TestPods.Pod(spec: "\"containers\":[{\"name\":\"a\",\"image\":\"a\",\"ports\":[{\"name\":\"http\",\"containerPort\":80}],\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}}}]");

        Assert.Equal([80], PodPorts.InUse(pod.Spec));
    }
}

using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>Which container is the app: the annotation, else the first one no known injector added, else the first.</summary>
public class AppContainersTests
{
    private static string Containers(params string[] names) =>
        "\"containers\":[" + string.Join(",", names.Select(n => "{\"name\":\"" + n + "\",\"image\":\"x\"}")) + "]";

    public static TheoryData<string, string, string, string, bool> Rows => new()
    {
        // name, containers, annotations, expected app, warning
        { "one container", Containers("web"), "", "web", false },
        { "first of two", Containers("web", "cache"), "", "web", false },
        { "istio-proxy first", Containers("istio-proxy", "web"), "", "web", false },
        { "linkerd and vault first", Containers("linkerd-proxy", "vault-agent", "web"), "", "web", false },
        { "dapr after the app", Containers("web", "daprd"), "", "web", false },
        { "only known sidecars", Containers("istio-proxy", "daprd"), "", "istio-proxy", false },
        { "annotation wins", Containers("log-shipper", "web"), "\"kubectl.kubernetes.io/default-container\":\"web\"", "web", false },
        { "annotation may name a proxy", Containers("istio-proxy", "web"), "\"kubectl.kubernetes.io/default-container\":\"istio-proxy\"", "istio-proxy", false },
        { "annotation names no container", Containers("istio-proxy", "web"), "\"kubectl.kubernetes.io/default-container\":\"api\"", "web", true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Choose_Row_PicksTheApp(string name, string containers, string annotations, string expected, bool warns)
    {
        var pod = TestPods.Pod(annotations: annotations, spec: containers);

        var index = AppContainers.Choose(pod.Spec.Containers, pod.Metadata.Annotations, out var warning);

        Assert.True(expected == pod.Spec.Containers[index].Name, $"{name}: chose {pod.Spec.Containers[index].Name}");
        Assert.Equal(warns, warning is not null);
        if (warns)
        {
            Assert.Contains("names container \"api\", which the pod does not have; container \"web\" is taken for the app", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Choose_NoContainers_None() => Assert.Equal(-1, AppContainers.Choose([], null, out _));
}

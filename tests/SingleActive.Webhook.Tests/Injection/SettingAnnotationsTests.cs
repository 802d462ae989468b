using SingleActive.Webhook.Admission;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary><c>single-active.io/*</c> annotations that would be ignored where they stand are said, never silently dropped.</summary>
public class SettingAnnotationsTests
{
    private const string On = "\"single-active\":\"true\"";
    private const string Elector = """{"name":"single-active-elector","image":"x","ports":[{"name":"sa-elector","containerPort":8099}],"readinessProbe":{"httpGet":{"path":"/readyz","port":"sa-elector"},"periodSeconds":1,"failureThreshold":1,"timeoutSeconds":1}}""";
    private const string InjectedReadiness = "\"single-active.io/status\":\"{\\\"lease\\\":\\\"web\\\",\\\"mode\\\":\\\"readiness\\\"}\"";

    [Theory]
    [InlineData("single-active.io/leaseName", "is not a single-active setting and is ignored (did you mean \"single-active.io/lease-name\"?); the settings are lease-name, mode,")]
    [InlineData("single-active.io/mod", "(did you mean \"single-active.io/mode\"?)")]
    [InlineData("single-active.io/unknown", "is not a single-active setting and is ignored; the settings are")]
    [InlineData("single-active.io/paused", "is read on the workload's Lease, not on a pod, and is ignored here; use kubectl single-active (pause, resume, handover)")]
    public void Inject_UnknownSettingAnnotation_InjectedWithAWarningNamingIt(string key, string expected)
    {
        var (_, _, _, warnings) = Rendered.Inject(TestPods.Pod($"{On},\"{key}\":\"label\""));

        var warning = Assert.Single(warnings, w => w.Contains(key, StringComparison.Ordinal));
        Assert.Contains(expected, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Inject_OnlyKnownSettings_NoWarningAboutThem()
    {
        var (_, _, _, warnings) = Rendered.Inject(TestPods.Pod($"{On},\"single-active.io/mode\":\"label\",\"single-active.io/lease-duration\":\"20s\",\"single-active.io/renew-deadline\":\"12s\""));

        Assert.DoesNotContain(warnings, w => w.Contains("not a single-active setting", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"single-active.io/mode\":\"label\"", "asks for mode \"label\" (annotation \"single-active.io/mode\"), but its elector was injected with mode \"readiness\"")]
    [InlineData("\"single-active.io/lease-name\":\"other\"", "asks for lease \"other\" (annotation \"single-active.io/lease-name\"), but its elector was injected with lease \"web\"")]
    public void Decide_InjectedPodWhoseSettingChangedSince_AlreadyInjectedWithAWarning(string changed, string expected)
    {
        var pod = TestPods.Pod($"{On},{InjectedReadiness},{changed}", $"\"containers\":[{TestPods.AppContainer},{Elector}]");

        var result = InjectionDecider.Decide(pod, "pod \"web\" in namespace \"shop\"")!;

        Assert.Equal(Decisions.AlreadyInjected, result.Decision);
        var warning = Assert.Single(result.Warnings!);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
        Assert.Contains("an injected pod is never injected again, so the annotation has no effect", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_InjectedPodAsInjected_AlreadyInjectedWithoutWarnings()
    {
        var pod = TestPods.Pod($"{On},{InjectedReadiness},\"single-active.io/mode\":\"Readiness\",\"single-active.io/lease-name\":\"web\"", $"\"containers\":[{TestPods.AppContainer},{Elector}]");

        Assert.Same(MutationResult.AlreadyInjected, InjectionDecider.Decide(pod, "pod \"web\" in namespace \"shop\""));
    }
}

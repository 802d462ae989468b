using SingleActive.Contract;
using SingleActive.Webhook.Injection;
using static SingleActive.Webhook.Tests.Injection.Rendered;

namespace SingleActive.Webhook.Tests.Injection;

/// <summary>render: label mode and timing overrides.</summary>
public class PodInjectorModeTests
{
    private const string On = "\"single-active\":\"true\"";

    [Fact]
    public void Inject_LabelMode_ReadinessFollowsHealthAndElectorLabels()
    {
        var result = Inject(TestPods.Pod($"{On},\"single-active.io/mode\":\"label\""));
        var elector = Elector(result.Pod);

        Assert.Equal("/healthz", elector.ReadinessProbe.HttpGet.Path);
        Assert.Equal("label", Env(elector)["SINGLE_ACTIVE_MODE"]);
        Assert.Equal(ElectorMode.Label, result.ServiceAccount.Mode);
        Assert.Contains("\"mode\":\"label\"", result.Pod.Metadata.Annotations[Annotations.Status], StringComparison.Ordinal);
    }

    [Fact]
    public void Inject_LabelModeOption_AppliesWithoutAnnotation()
    {
        var result = Inject(TestPods.Pod(), new InjectorOptions { Mode = ElectorMode.Label });

        Assert.Equal(ElectorMode.Label, result.Status.Mode);
        Assert.Equal("label", Env(Elector(result.Pod))["SINGLE_ACTIVE_MODE"]);
    }

    [Fact]
    public void Inject_ReadinessMode_HasNoModeEnv()
    {
        Assert.DoesNotContain("SINGLE_ACTIVE_MODE", Env(Elector(Inject(TestPods.Pod()).Pod)).Keys);
    }

    [Fact]
    public void Inject_TimingOverrides_AreRendered()
    {
        var pod = TestPods.Pod($"{On},\"single-active.io/lease-duration\":\"30s\",\"single-active.io/renew-deadline\":\"20s\",\"single-active.io/retry-period\":\"1500ms\",\"single-active.io/probe-period\":\"2s\"");

        var elector = Elector(Inject(pod).Pod);

        var env = Env(elector);
        Assert.Equal(("30s", "20s", "1500ms"), (env["SINGLE_ACTIVE_LEASE_DURATION"], env["SINGLE_ACTIVE_RENEW_DEADLINE"], env["SINGLE_ACTIVE_RETRY_PERIOD"]));
        Assert.Equal((2, 1, 1), (elector.ReadinessProbe.PeriodSeconds, elector.ReadinessProbe.FailureThreshold, elector.ReadinessProbe.TimeoutSeconds));
    }

    [Theory]
    [InlineData("\"single-active.io/lease-duration\":\"7s\",\"single-active.io/renew-deadline\":\"4s\",\"single-active.io/retry-period\":\"1s\"", "readiness",
        "waits up to 3s for its kubelet to probe it not ready (probe period 1s × 1 + timeout 1s + 1s), and that wait and the release share the renew deadline of 4s, less than 1.5 × 3s = 4500ms")]
    [InlineData("\"single-active.io/lease-duration\":\"30s\",\"single-active.io/renew-deadline\":\"5s\",\"single-active.io/probe-period\":\"3\"", "readiness",
        "waits up to 5s for its kubelet to probe it not ready (probe period 3s × 1 + timeout 1s + 1s), and that wait and the release share the renew deadline of 5s, less than 1.5 × 5s = 7500ms")]
    [InlineData("\"single-active.io/lease-duration\":\"7s\",\"single-active.io/renew-deadline\":\"4s\",\"single-active.io/retry-period\":\"1s\"", "label", null)] // no kubelet wait in label mode
    [InlineData("\"single-active.io/probe-period\":\"3\"", "readiness", null)] // the default 10 s renew deadline: 1.5 × 5s = 7500ms fits
    public void Inject_RenewDeadlineShortForTheKubeletWait_WarnsThatHandoversAreSlow(string timings, string mode, string? expected)
    {
        var result = Inject(TestPods.Pod($"{On},\"single-active.io/mode\":\"{mode}\",{timings}"));

        var warning = result.Warnings.SingleOrDefault(w => w.Contains("make handovers slow", StringComparison.Ordinal));
        if (expected is null)
        {
            Assert.Null(warning);
            return;
        }

        Assert.NotNull(warning);
        Assert.StartsWith("single-active: the timings of pod \"web\" in namespace \"shop\" make handovers slow: a leader that steps down", warning, StringComparison.Ordinal);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
        Assert.EndsWith("Raise annotation \"single-active.io/renew-deadline\" (and \"single-active.io/lease-duration\" with it, for the safety bound) or lower \"single-active.io/probe-period\"", warning, StringComparison.Ordinal);
    }
}

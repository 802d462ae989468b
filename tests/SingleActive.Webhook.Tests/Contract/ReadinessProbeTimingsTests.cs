using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Contract;

/// <summary>The one reading of a probe period that the webhook's annotation, the elector's environment and the injected-probe check share.</summary>
public class ReadinessProbeTimingsTests
{
    [Theory]
    [InlineData("1s", 1)]
    [InlineData("2", 2)]
    [InlineData("1m", 60)]
    [InlineData("3600s", 3600)]
    public void TryWithPeriod_WholeSecondsInRange_KeepsTheOtherTimings(string text, int periodSeconds)
    {
        var timings = new ReadinessProbeTimings(PeriodSeconds: 5, FailureThreshold: 2, TimeoutSeconds: 3);

        Assert.True(timings.TryWithPeriod(text, out var withPeriod));
        Assert.Equal(new ReadinessProbeTimings(periodSeconds, 2, 3), withPeriod);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("1500ms")]
    [InlineData("3601s")]
    public void TryWithPeriod_NoPeriodAProbeCanHave_FalseAndNull(string text)
    {
        Assert.False(ReadinessProbeTimings.Default.TryWithPeriod(text, out var withPeriod));
        Assert.Null(withPeriod);
    }
}

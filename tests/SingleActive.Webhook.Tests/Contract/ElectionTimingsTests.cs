using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Contract;

public class ElectionTimingsTests
{
    /// <summary>The default probe's kubelet wait is 3 s, so a quick release needs a renew deadline of 4.5 s or more.</summary>
    [Theory]
    [InlineData(4500, false)]
    [InlineData(4499, true)]
    [InlineData(10000, false)]
    public void SlowReleaseProblem_RenewDeadlineAroundOneAndAHalfKubeletWaits_OnlyBelowIt(int renewDeadlineMilliseconds, bool slow)
    {
        var timings = new ElectionTimings(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(renewDeadlineMilliseconds), TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(3), ReadinessProbeTimings.Default.KubeletCatchUp);
        Assert.Equal(slow, timings.SlowReleaseProblem(ReadinessProbeTimings.Default) is not null);
    }
}

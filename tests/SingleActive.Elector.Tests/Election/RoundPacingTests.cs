using SingleActive.Contract;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

public sealed class RoundPacingTests
{
    private static readonly ElectionTimings Timings = ElectionTimings.Default;

    [Fact]
    public void NextWait_Leader_ARetryPeriodFromTheRoundStart()
    {
        var pacing = new RoundPacing(Timings, new Random(1));

        Assert.Equal(Timings.RetryPeriod - TimeSpan.FromMilliseconds(300), pacing.NextWait(leading: true, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void NextWait_Standby_JitteredWithinTheFactor()
    {
        var pacing = new RoundPacing(Timings, new Random(7));

        for (var i = 0; i < 100; i++)
        {
            var wait = pacing.NextWait(leading: false, null, TimeSpan.Zero);
            Assert.InRange(wait, Timings.RetryPeriod, Timings.RetryPeriod * ElectionTimings.RetryJitterFactor);
        }
    }

    [Fact]
    public void NextWait_StandbyWhoseTermExpiresSooner_WaitsExactlyUntilTheExpiry()
    {
        var pacing = new RoundPacing(Timings, new Random(1));

        Assert.Equal(TimeSpan.FromMilliseconds(120), pacing.NextWait(leading: false, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void NextWait_TermAlreadyExpired_ThePeriod()
    {
        var pacing = new RoundPacing(Timings, new Random(1));

        Assert.True(pacing.NextWait(leading: false, TimeSpan.FromSeconds(-1), TimeSpan.Zero) >= Timings.RetryPeriod);
    }
}

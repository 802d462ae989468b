using SingleActive.Contract;
using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>Default timings: renew deadline 10 s, retry period 2 s, attempt timeout 3.3 s.</summary>
public sealed class ReleasePacingTests
{
    private static readonly ElectionSettings Settings = new("a", ElectionTimings.Default);

    [Fact]
    public void AttemptBound_TheAttemptTimeoutOrWhatIsLeft()
    {
        var pacing = new ReleasePacing(Settings);

        Assert.Equal(Settings.AttemptTimeout, pacing.AttemptBound(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(1), pacing.AttemptBound(TimeSpan.FromSeconds(9)));
        Assert.Equal(TimeSpan.Zero, pacing.AttemptBound(TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public void NextWait_FastFailures_DoublesUpToTheRetryPeriod()
    {
        var pacing = new ReleasePacing(Settings);

        var waits = Enumerable.Range(0, 6).Select(_ => pacing.NextWait(TimeSpan.FromSeconds(1), noAnswer: false)).ToList();

        Assert.Equal([0.2, 0.4, 0.8, 1.6, 2.0, 2.0], waits.Select(w => w!.Value.TotalSeconds));
    }

    [Fact]
    public void NextWait_NoAnswer_AtOnceWithoutGrowingThePause()
    {
        var pacing = new ReleasePacing(Settings);

        Assert.Equal(TimeSpan.Zero, pacing.NextWait(TimeSpan.FromMilliseconds(3400), noAnswer: true));
        Assert.Equal(ReleasePacing.FirstPause, pacing.NextWait(TimeSpan.FromMilliseconds(3500), noAnswer: false));
    }

    [Fact]
    public void NextWait_NearTheRenewDeadline_ShortenedToLeaveTheNextAttempt200MsOrNone()
    {
        var pacing = new ReleasePacing(Settings);

        Assert.Equal(TimeSpan.FromMilliseconds(100), pacing.NextWait(TimeSpan.FromMilliseconds(9700), noAnswer: false));
        Assert.Null(pacing.NextWait(TimeSpan.FromMilliseconds(9800), noAnswer: false));
        Assert.Null(pacing.NextWait(TimeSpan.FromMilliseconds(9900), noAnswer: true));
    }
}

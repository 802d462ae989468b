using SingleActive.Contract;

namespace SingleActive.Elector.Election;

/// <summary>
/// The attempts of one release within the renew deadline (<see cref="ReleaseWrites"/>): each bounded by the
/// attempt timeout and what is left, a fast failure followed by a pause that doubles from <see cref="FirstPause"/> up to
/// a retry period, no attempt started with <see cref="FirstPause"/> or less left (a pause is shortened to leave it).
/// </summary>
internal sealed class ReleasePacing(ElectionSettings settings)
{
    /// <summary>The pause after the first fast failure; also the least time an attempt is started with.</summary>
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);

    private TimeSpan pause = FirstPause;

    /// <summary>How long the next attempt may take, <paramref name="elapsed"/> into the release; zero when nothing is left.</summary>
    public TimeSpan AttemptBound(TimeSpan elapsed)
    {
        var left = settings.Timings.RenewDeadline - elapsed;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left < settings.AttemptTimeout ? left : settings.AttemptTimeout;
    }

    /// <summary>After a failed attempt, <paramref name="elapsed"/> into the release: the wait before the next one, or null when none is to be started.</summary>
    /// <param name="elapsed">Time since the release started.</param>
    /// <param name="noAnswer">The attempt was abandoned at its bound: tried again at once, on a fresh connection.</param>
    public TimeSpan? NextWait(TimeSpan elapsed, bool noAnswer)
    {
        var left = settings.Timings.RenewDeadline - elapsed;
        if (left <= FirstPause)
        {
            return null;
        }

        var wait = noAnswer ? TimeSpan.Zero : pause;
        if (!noAnswer)
        {
            pause = pause * 2 < settings.Timings.RetryPeriod ? pause * 2 : settings.Timings.RetryPeriod;
        }

        return left - FirstPause < wait ? left - FirstPause : wait;
    }
}

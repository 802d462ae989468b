using Microsoft.Extensions.Time.Testing;

namespace SingleActive.Elector.Tests.Election;

/// <summary>
/// A node whose wall clock can jump (NTP step, VM resume, an operator's <c>date -s</c>) while its
/// monotonic clock and timers keep running on the shared fake time.
/// </summary>
public sealed class SkewedTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    public TimeSpan WallClockOffset { get; set; }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + WallClockOffset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}

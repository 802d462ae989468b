using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SingleActive.Bench.Load;

/// <summary>
/// Sleeps until an absolute <see cref="Stopwatch"/> timestamp with microsecond precision.
/// Thread.Sleep and Task.Delay round to milliseconds, which at 1,000 requests/s is the whole
/// interval; spinning would steal a core from the server on a 2-core machine. On Linux
/// Stopwatch reads CLOCK_MONOTONIC in nanoseconds, so clock_nanosleep(TIMER_ABSTIME) on the same
/// clock wakes at the due time itself (plus the kernel's ~50 µs timer slack).
/// </summary>
public static partial class MonotonicSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbstime = 1;

    private static readonly bool Precise = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    public static void Until(long timestamp)
    {
        if (Precise)
        {
            var spec = new TimeSpec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
            // EINTR just returns early; the caller re-checks the clock.
            _ = ClockNanosleep(ClockMonotonic, TimerAbstime, in spec, IntPtr.Zero);
            return;
        }

        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(remaining);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, IntPtr remain);
}

using System.Collections.Concurrent;

namespace SingleActive.Webhook.Logging;

/// <summary>
/// Says whether a warning of a kind is due: at most once per period for each kind, for the warnings every request would
/// meet again while their cause lasts (a ClusterRole not upgraded, an API server that refuses a list). Measured on the
/// monotonic clock of <paramref name="timeProvider"/>. Two requests at the same moment may both be told it is due.
/// </summary>
public sealed class OncePerPeriod(TimeProvider timeProvider)
{
    /// <summary>Per kind: the monotonic timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last time it was due.</summary>
    private readonly ConcurrentDictionary<string, long> lastDue = new(StringComparer.Ordinal);

    /// <summary>True the first time for <paramref name="kind"/>, then again once <paramref name="period"/> has passed since.</summary>
    public bool IsDue(string kind, TimeSpan period)
    {
        var now = timeProvider.GetTimestamp();
        if (this.lastDue.TryGetValue(kind, out var last) && timeProvider.GetElapsedTime(last, now) < period)
        {
            return false;
        }

        this.lastDue[kind] = now;
        return true;
    }

    /// <summary>Forgets every kind: the next of each is due.</summary>
    public void Clear() => this.lastDue.Clear();
}

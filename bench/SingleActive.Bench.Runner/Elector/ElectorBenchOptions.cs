namespace SingleActive.Bench.Runner.Elector;

/// <summary>How long and how often each elector scenario runs.</summary>
public sealed record ElectorBenchOptions(TimeSpan Idle, int HandoverRounds, int CrashRounds, int CutRounds)
{
    public static readonly ElectorBenchOptions Default = new(TimeSpan.FromSeconds(60), HandoverRounds: 3, CrashRounds: 2, CutRounds: 1);

    /// <summary>Longest wait for a new leader: lease duration (15 s) + retry jitter + a generous margin.</summary>
    public static readonly TimeSpan TakeoverTimeout = TimeSpan.FromSeconds(45);

    /// <summary>A cut lasts until a new leader has been ready this long (or <see cref="CutLimit"/>).</summary>
    public static readonly TimeSpan CutObserveAfterTakeover = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan CutLimit = TimeSpan.FromSeconds(60);
}

using System.Diagnostics;

namespace SingleActive.E2E.Tests.Elector;

/// <summary>
/// Polls every elector's /readyz together, at a fixed pace, and keeps the number that answered
/// 200 per sample: the timeline the safety assertions are made on.
/// </summary>
public sealed class ReadinessSampler
{
    private readonly IReadOnlyList<ElectorProcess> electors;
    private readonly List<(TimeSpan At, string[] Ready)> samples = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public ReadinessSampler(IReadOnlyList<ElectorProcess> electors) => this.electors = electors;

    public IReadOnlyList<(TimeSpan At, string[] Ready)> Samples => samples;

    public int MaxReady => samples.Count == 0 ? 0 : samples.Max(s => s.Ready.Length);

    /// <summary>One sample: which electors answer ready right now.</summary>
    public async Task<string[]> SampleAsync()
    {
        var answers = await Task.WhenAll(this.electors.Select(async e => (e.Identity, Ready: !e.Process.HasExited && await e.IsReadyAsync())));
        var ready = answers.Where(a => a.Ready).Select(a => a.Identity).ToArray();
        samples.Add((clock.Elapsed, ready));
        return ready;
    }

    /// <summary>Samples every <paramref name="interval"/> until <paramref name="until"/> holds or <paramref name="timeout"/> passes; returns the time it took, or null.</summary>
    public async Task<TimeSpan?> SampleUntilAsync(Func<string[], bool> until, TimeSpan timeout, TimeSpan interval)
    {
        var started = Stopwatch.StartNew();
        while (started.Elapsed < timeout)
        {
            var ready = await SampleAsync();
            if (until(ready))
            {
                return started.Elapsed;
            }

            var wait = interval - TimeSpan.FromTicks(started.Elapsed.Ticks % interval.Ticks);
            await Task.Delay(wait);
        }

        return null;
    }

    public async Task SampleForAsync(TimeSpan duration, TimeSpan interval) =>
        await SampleUntilAsync(_ => false, duration, interval);

    public string Describe(int last = 40) =>
        string.Join("\n", samples.TakeLast(last).Select(s => $"{s.At.TotalSeconds,8:F2}s ready=[{string.Join(",", s.Ready)}]"));
}

using System.Diagnostics;
using SingleActive.Bench.Runner.Processes;
using SingleActive.Bench.Runner.Reporting;

namespace SingleActive.Bench.Runner.Elector;

/// <summary>The measured scenarios for one group; figures go to the log under section "elector".</summary>
public sealed class ElectorScenarios(ElectorGroup group, FigureLog figures)
{
    private const string Section = "elector";
    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(60);

    private string Subject => group.Implementation.Name;

    /// <summary>Graceful handover (SIGTERM) or crash failover (SIGKILL): signal to another replica's first /readyz 200.</summary>
    public async Task TakeoverAsync(int signal, int rounds)
    {
        var kind = signal == Signals.Term ? "handover (SIGTERM)" : "failover (SIGKILL)";
        var times = new List<double>();
        var maxReady = 0;
        for (var round = 0; round < rounds; round++)
        {
            var leader = await group.WaitForSingleLeaderAsync(LeaderTimeout).ConfigureAwait(false);
            var replica = group.Replicas[leader];
            var start = Stopwatch.GetTimestamp();
            replica.Signal(signal);
            double? takeover = null;
            while (Stopwatch.GetElapsedTime(start) < ElectorBenchOptions.TakeoverTimeout)
            {
                var sample = await group.SampleAsync(start).ConfigureAwait(false);
                maxReady = Math.Max(maxReady, sample.ReadyCount);
                if (sample.Ready.Where((ready, i) => ready && i != leader).Any())
                {
                    takeover = sample.AtMs;
                    break;
                }

                await Task.Delay(5).ConfigureAwait(false);
            }

            await replica.ReapAsync().ConfigureAwait(false);
            if (takeover is null)
            {
                Console.WriteLine($"  {Subject}: no takeover within {ElectorBenchOptions.TakeoverTimeout.TotalSeconds:F0}s after {kind}");
                figures.Add(Section, Subject, $"{kind} round {round + 1} (timed out)", ElectorBenchOptions.TakeoverTimeout.TotalMilliseconds, "ms");
            }
            else
            {
                times.Add(takeover.Value);
                figures.Add(Section, Subject, $"{kind} round {round + 1}", takeover.Value, "ms");
            }

            replica.Start();
        }

        if (times.Count > 0)
        {
            times.Sort();
            figures.Add(Section, Subject, $"{kind} median", times[times.Count / 2], "ms");
            figures.Add(Section, Subject, $"{kind} max", times[^1], "ms");
        }

        figures.Add(Section, Subject, $"{kind} most ready at once", maxReady, "replicas");
    }

    /// <summary>
    /// The leader's path to the API server is black-holed while its HTTP stays up; samples every
    /// replica's /readyz every ~10 ms and reports the longest window with two or more ready.
    /// </summary>
    public async Task CutAsync(int round)
    {
        var leader = await group.WaitForSingleLeaderAsync(LeaderTimeout).ConfigureAwait(false);
        var replica = group.Replicas[leader];
        var samples = new List<ReadinessSample>();
        var start = Stopwatch.GetTimestamp();
        replica.Proxy.Cut();
        double? takeoverAt = null;
        while (Stopwatch.GetElapsedTime(start) < ElectorBenchOptions.CutLimit)
        {
            var sample = await group.SampleAsync(start).ConfigureAwait(false);
            samples.Add(sample);
            if (takeoverAt is null && sample.Ready.Where((ready, i) => ready && i != leader).Any())
            {
                takeoverAt = sample.AtMs;
            }

            if (takeoverAt is not null && sample.AtMs - takeoverAt > ElectorBenchOptions.CutObserveAfterTakeover.TotalMilliseconds)
            {
                break;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        replica.Proxy.Restore();
        var unreadyAt = samples.FirstOrDefault(s => !s.Ready[leader])?.AtMs;
        var label = $"API cut {round + 1}";
        figures.Add(Section, Subject, $"{label}: longest two-ready window", LongestOverlap(samples), "ms");
        figures.Add(Section, Subject, $"{label}: cut leader unready after", unreadyAt ?? double.NaN, "ms");
        figures.Add(Section, Subject, $"{label}: new leader ready after", takeoverAt ?? double.NaN, "ms");
        if (unreadyAt is not null && takeoverAt is not null)
        {
            // Positive: a gap with no ready replica (safe); negative: the two overlapped.
            figures.Add(Section, Subject, $"{label}: gap between them", takeoverAt.Value - unreadyAt.Value, "ms");
        }

        figures.Add(Section, Subject, $"{label}: samples", samples.Count, "samples");
    }

    private static double LongestOverlap(List<ReadinessSample> samples)
    {
        var longest = 0.0;
        double? since = null;
        foreach (var sample in samples)
        {
            if (sample.ReadyCount >= 2)
            {
                since ??= sample.AtMs;
            }
            else if (since is not null)
            {
                longest = Math.Max(longest, sample.AtMs - since.Value);
                since = null;
            }
        }

        if (since is not null)
        {
            longest = Math.Max(longest, samples[^1].AtMs - since.Value);
        }

        return longest;
    }
}

using System.Diagnostics;
using SingleActive.Bench.Runner.Processes;
using SingleActive.Bench.Runner.Reporting;

namespace SingleActive.Bench.Runner.Elector;

/// <summary>RSS and CPU of every replica of every group over the same idle interval.</summary>
public static class IdleFootprint
{
    public static async Task MeasureAsync(IReadOnlyList<ElectorGroup> groups, TimeSpan idle, FigureLog figures)
    {
        var replicas = groups.SelectMany(g => g.Replicas).ToList();
        var first = replicas.Select(r => r.Sample()).ToList();
        var maxRss = replicas.Select(_ => 0L).ToArray();
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < idle)
        {
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            for (var i = 0; i < replicas.Count; i++)
            {
                maxRss[i] = Math.Max(maxRss[i], replicas[i].Sample()?.RssBytes ?? 0);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var last = replicas.Select(r => r.Sample()).ToList();
        foreach (var group in groups)
        {
            var leader = (await group.SampleAsync(start).ConfigureAwait(false)).Ready.ToList().IndexOf(true);
            var rows = group.Replicas.Select((r, i) => (Role: i == leader ? "leader" : "standby", Index: replicas.IndexOf(r))).ToList();
            foreach (var role in new[] { "leader", "standby" })
            {
                var picked = rows.Where(r => r.Role == role).Select(r => r.Index).ToList();
                if (picked.Count == 0 || picked.Any(i => first[i] is null || last[i] is null))
                {
                    continue;
                }

                var rss = picked.Average(i => (double)maxRss[i]) / (1024 * 1024);
                var cpuPerMinute = picked.Average(i => (last[i]!.Value.Cpu - first[i]!.Value.Cpu).TotalMilliseconds) * (60 / elapsed.TotalSeconds);
                figures.Add("elector", group.Implementation.Name, $"idle RSS ({role})", rss, "MiB");
                figures.Add("elector", group.Implementation.Name, $"idle CPU ({role})", cpuPerMinute, "ms/min");
            }
        }
    }
}

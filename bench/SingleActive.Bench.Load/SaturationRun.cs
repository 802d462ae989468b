using System.Diagnostics;

namespace SingleActive.Bench.Load;

/// <summary>
/// Closed loop: N workers, each on its own keep-alive connection, send back to back. Throughput
/// counts responses completed inside the measured window (after the warm-up); latencies here are
/// service times and only describe the server at its limit.
/// </summary>
public static class SaturationRun
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, HttpTarget target, RequestBodies bodies)
    {
        var measureFrom = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var perWorker = new List<long>[options.Connections];
        var errors = 0L;
        var next = -1L;

        async Task WorkerAsync(int worker)
        {
            var samples = perWorker[worker] = new List<long>(1 << 16);
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= measureTo)
                {
                    return;
                }

                var i = Interlocked.Increment(ref next);
                try
                {
                    var (status, _) = await target.PostAsync(bodies.For(i)).ConfigureAwait(false);
                    var done = Stopwatch.GetTimestamp();
                    if (sent >= measureFrom && done <= measureTo)
                    {
                        if (status == 200)
                        {
                            samples.Add(done - sent);
                        }
                        else
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    if (sent >= measureFrom)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }
        }

        var cpu = Task.Factory.StartNew(() => CpuOverWindow(options.ServerPid, measureFrom, measureTo), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(w => Task.Run(() => WorkerAsync(w)))).ConfigureAwait(false);
        var (server, client) = await cpu.ConfigureAwait(false);
        var all = perWorker.SelectMany(s => s).ToList();
        var seconds = options.Duration.TotalSeconds;
        var summary = new LatencySummary(all);
        return new LoadResult(options.Label, "saturation", 0, all.Count / seconds, options.Connections, seconds, errors, summary, summary)
        {
            ServerCpuPerResponse = all.Count > 0 && server is { } s ? s / all.Count : null,
            ClientCpuPerResponse = all.Count > 0 ? client / all.Count : null,
        };
    }

    /// <summary>CPU time the server (when its pid is known) and this process used between the two timestamps.</summary>
    private static (TimeSpan? Server, TimeSpan Client) CpuOverWindow(int? serverPid, long from, long to)
    {
        SleepUntil(from);
        var server0 = serverPid is { } pid ? ProcessCpuTime.Of(pid) : null;
        var client0 = Environment.CpuUsage.TotalTime;
        SleepUntil(to);
        var server1 = serverPid is { } pid1 ? ProcessCpuTime.Of(pid1) : null;
        var client1 = Environment.CpuUsage.TotalTime;
        if (serverPid is { } asked && (server0 is null || server1 is null))
        {
            Console.Error.WriteLine($"--server-pid {asked}: /proc/{asked}/stat could not be read; no server CPU figure");
        }

        return (server1 - server0, client1 - client0);
    }

    private static void SleepUntil(long timestamp)
    {
        while (Stopwatch.GetTimestamp() < timestamp)
        {
            MonotonicSleep.Until(timestamp); // Returns early on a signal (EINTR).
        }
    }
}

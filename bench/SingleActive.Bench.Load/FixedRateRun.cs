using System.Diagnostics;

namespace SingleActive.Bench.Load;

/// <summary>
/// Open loop at a fixed rate, wrk2-style: request i is due at start + i / rate whatever happened
/// to earlier requests, and its latency runs from that due time. A server that stalls for 100 ms
/// therefore shows up as 100 ms of latency on every request that should have been sent during the
/// stall, instead of as one slow sample (coordinated omission). Service time (from the actual send)
/// is reported too, to separate the scheduler's lateness from the server's.
/// </summary>
public static class FixedRateRun
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, HttpTarget target, RequestBodies bodies)
    {
        var interval = Stopwatch.Frequency / options.Rate;
        var warmupCount = (long)(options.Warmup.TotalSeconds * options.Rate);
        var total = warmupCount + (long)(options.Duration.TotalSeconds * options.Rate);
        var latency = new long[total];
        var service = new long[total];
        var late = new long[total];
        var ok = new bool[total];
        var tasks = new Task[total];
        var errors = 0L;

        // A dedicated thread keeps the schedule; sends run on the thread pool.
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < total; i++)
            {
                var due = start + (long)(i * interval);
                if (Stopwatch.GetTimestamp() < due)
                {
                    MonotonicSleep.Until(due);
                }

                // Started inline (no thread-pool hop): the request is written before the scheduler
                // looks at the clock again, so the send happens at its due time.
                tasks[i] = SendAsync(i, due);
            }
        })
        { IsBackground = true, Name = "fixed-rate scheduler", Priority = ThreadPriority.AboveNormal };
        async Task SendAsync(long index, long due)
        {
            var sent = Stopwatch.GetTimestamp();
            late[index] = sent - due;
            try
            {
                var (status, _) = await target.PostAsync(bodies.For(index)).ConfigureAwait(false);
                var done = Stopwatch.GetTimestamp();
                latency[index] = done - due;
                service[index] = done - sent;
                ok[index] = status == 200;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                ok[index] = false;
            }
        }

        scheduler.Start();
        scheduler.Join();
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var measuredLatency = new List<long>();
        var measuredService = new List<long>();
        var measuredLate = new List<long>();
        for (var i = warmupCount; i < total; i++)
        {
            measuredLate.Add(late[i]);
            if (ok[i])
            {
                measuredLatency.Add(latency[i]);
                measuredService.Add(service[i]);
            }
            else
            {
                errors++;
            }
        }

        var lastDue = start + (long)((total - 1) * interval);
        var firstDue = start + (long)(warmupCount * interval);
        var seconds = (lastDue - firstDue) / (double)Stopwatch.Frequency;
        return new LoadResult(options.Label, "fixed-rate", options.Rate, measuredLatency.Count / Math.Max(seconds, 1e-9),
            options.Connections, seconds, errors, new LatencySummary(measuredLatency), new LatencySummary(measuredService))
        {
            SendLateness = new LatencySummary(measuredLate),
        };
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SingleActive.Bench.Load;

/// <summary>What one run measured; printed as one line and appended as one JSON object per line.</summary>
public sealed record LoadResult(
    string Label,
    string Mode,
    double TargetRate,
    double AchievedRate,
    int Connections,
    double Seconds,
    long Errors,
    LatencySummary Latency,
    LatencySummary ServiceTime)
{
    /// <summary>How late the scheduler sent requests (fixed rate only): machine noise, not server time.</summary>
    public LatencySummary? SendLateness { get; init; }

    /// <summary>Saturation: the server process's CPU time (user + system) in the measured window per response counted.</summary>
    public TimeSpan? ServerCpuPerResponse { get; init; }

    /// <summary>Saturation: this load generator's own CPU time in the measured window per response counted.</summary>
    public TimeSpan? ClientCpuPerResponse { get; init; }

    public string ToLine()
    {
        var target = TargetRate > 0 ? TargetRate.ToString("F0", CultureInfo.InvariantCulture) : "max";
        var line = FormattableString.Invariant(
            $"{Label,-28} {Mode,-10} target={target,5} achieved={AchievedRate,9:F1}/s n={Latency.Count,7} errors={Errors} ") +
            FormattableString.Invariant(
            $"p50={Latency.Percentile(50):F3}ms p99={Latency.Percentile(99):F3}ms p99.9={Latency.Percentile(99.9):F3}ms max={Latency.Max:F3}ms ") +
            FormattableString.Invariant($"(service p50={ServiceTime.Percentile(50):F3}ms p99={ServiceTime.Percentile(99):F3}ms");
        if (SendLateness is not null)
        {
            line += FormattableString.Invariant($"; send lateness p99={SendLateness.Percentile(99):F3}ms max={SendLateness.Max:F3}ms");
        }

        if (ServerCpuPerResponse is { } server)
        {
            line += FormattableString.Invariant($"; server cpu={server.TotalMicroseconds:F1}us/req");
        }

        if (ClientCpuPerResponse is { } client)
        {
            line += FormattableString.Invariant($"; client cpu={client.TotalMicroseconds:F1}us/req");
        }

        return line + ")";
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("label", Label);
            w.WriteString("mode", Mode);
            w.WriteNumber("targetRate", TargetRate);
            w.WriteNumber("achievedRate", Math.Round(AchievedRate, 1));
            w.WriteNumber("connections", Connections);
            w.WriteNumber("seconds", Math.Round(Seconds, 2));
            w.WriteNumber("count", Latency.Count);
            w.WriteNumber("errors", Errors);
            w.WriteNumber("p50Ms", Math.Round(Latency.Percentile(50), 3));
            w.WriteNumber("p99Ms", Math.Round(Latency.Percentile(99), 3));
            w.WriteNumber("p999Ms", Math.Round(Latency.Percentile(99.9), 3));
            w.WriteNumber("maxMs", Math.Round(Latency.Max, 3));
            w.WriteNumber("meanMs", Math.Round(Latency.Mean, 3));
            w.WriteNumber("serviceP50Ms", Math.Round(ServiceTime.Percentile(50), 3));
            w.WriteNumber("serviceP99Ms", Math.Round(ServiceTime.Percentile(99), 3));
            w.WriteNumber("serviceP999Ms", Math.Round(ServiceTime.Percentile(99.9), 3));
            if (SendLateness is not null)
            {
                w.WriteNumber("lateP99Ms", Math.Round(SendLateness.Percentile(99), 3));
                w.WriteNumber("lateMaxMs", Math.Round(SendLateness.Max, 3));
            }

            if (ServerCpuPerResponse is { } server)
            {
                w.WriteNumber("serverCpuUs", Math.Round(server.TotalMicroseconds, 1));
            }

            if (ClientCpuPerResponse is { } client)
            {
                w.WriteNumber("clientCpuUs", Math.Round(client.TotalMicroseconds, 1));
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

using System.Text.Json.Serialization;

namespace SingleActive.Bench.Runner.Reporting;

/// <summary>One line of the load generator's --json-out file.</summary>
public sealed record AdmissionRun(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("targetRate")] double TargetRate,
    [property: JsonPropertyName("achievedRate")] double AchievedRate,
    [property: JsonPropertyName("connections")] int Connections,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("p50Ms")] double P50Ms,
    [property: JsonPropertyName("p99Ms")] double P99Ms,
    [property: JsonPropertyName("p999Ms")] double P999Ms,
    [property: JsonPropertyName("maxMs")] double MaxMs,
    [property: JsonPropertyName("serviceP99Ms")] double ServiceP99Ms,
    [property: JsonPropertyName("lateP99Ms")] double? LateP99Ms,
    [property: JsonPropertyName("serverCpuUs")] double? ServerCpuUs = null,
    [property: JsonPropertyName("clientCpuUs")] double? ClientCpuUs = null);

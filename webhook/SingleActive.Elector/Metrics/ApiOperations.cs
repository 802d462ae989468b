using SingleActive.Core.Leases;

namespace SingleActive.Elector.Metrics;

/// <summary>
/// The <c>operation</c> label values of <c>single_active_elector_api_errors_total</c>, one per
/// <see cref="ApiOperation"/>. docs/elector.md lists them; every one is written at 0 from the start (see
/// <see cref="ElectorMetrics"/>).
/// </summary>
public static class ApiOperations
{
    private static readonly string[] Labels = ["candidacy", "create", "event", "fence", "get", "label", "node_watch", "pod_watch", "pods", "release", "update", "watch"];

    /// <summary>Every label value, in the order of <see cref="ApiOperation"/> (ordinal order): <c>All[(int)operation]</c> is <c>operation</c>'s.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Labels);

    /// <summary>The label value of <paramref name="operation"/>.</summary>
    public static string Label(this ApiOperation operation) => Labels[(int)operation];

    /// <summary>The operation whose label value is <paramref name="label"/>; null when none is.</summary>
    public static ApiOperation? OfLabel(string label) => Array.IndexOf(Labels, label) is var i and >= 0 ? (ApiOperation)i : null;

    /// <summary>The operation a failed <see cref="LeaseRound"/> call is counted as.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="call"/> is not a defined <see cref="LeaseCall"/>.</exception>
    public static ApiOperation Of(LeaseCall call) => call switch
    {
        LeaseCall.Get => ApiOperation.Get,
        LeaseCall.Create => ApiOperation.Create,
        LeaseCall.Update => ApiOperation.Update,
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, "not a Lease call"),
    };
}

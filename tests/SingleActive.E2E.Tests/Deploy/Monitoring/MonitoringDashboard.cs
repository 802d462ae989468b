using System.Text.Json.Nodes;

namespace SingleActive.E2E.Tests.Deploy.Monitoring;

/// <summary>
/// The Grafana dashboard of deploy/components/monitoring as the component ships it (the ConfigMap's
/// <c>single-active.json</c>), and its queries with Grafana's variables filled in as Grafana would.
/// </summary>
internal sealed class MonitoringDashboard(JsonObject configMap)
{
    public const string ConfigMapName = "single-active-dashboard";
    public const string DataKey = "single-active.json";

    public JsonObject ConfigMap { get; } = configMap;

    public JsonObject Document { get; } = JsonNode.Parse((string)configMap["data"]![DataKey]!)!.AsObject();

    public IEnumerable<JsonObject> Panels => Document["panels"]!.AsArray().OfType<JsonObject>().Where(p => (string?)p["type"] != "row");

    /// <summary>Each query: its panel's title, its refId, its PromQL as written (with variables) and the panel's minimum interval (null: the data source's).</summary>
    public IEnumerable<(string Panel, string RefId, string Expr, string? Interval)> Queries =>
        Panels.SelectMany(p => p["targets"]!.AsArray().Select(t => ((string)p["title"]!, (string)t!["refId"]!, (string)t["expr"]!, (string?)p["interval"])));

    public static async Task<MonitoringDashboard> LoadAsync() =>
        new(Kustomize.Single(await MonitoringComponent.BuildAsync(), "ConfigMap", ConfigMapName));

    /// <summary>The PromQL of <paramref name="panel"/>'s query <paramref name="refId"/>, for <paramref name="ns"/> and every Lease.</summary>
    public string Query(string panel, string refId, string ns) =>
        Expand(Queries.Single(q => q.Panel == panel && q.RefId == refId), ns);

    /// <summary>
    /// Grafana's substitution for a multi-value variable is a regex alternation; "All" is the variable's <c>allValue</c>
    /// (<c>.*</c>). <c>$__rate_interval</c> is at least four scrape intervals: 1m for the electors' 15 s, 2m for a panel
    /// whose minimum interval is the webhook's 30 s.
    /// </summary>
    public static string Expand((string Panel, string RefId, string Expr, string? Interval) query, string ns = ".*") =>
        query.Expr.Replace("$namespace", ns, StringComparison.Ordinal)
            .Replace("$lease", ".*", StringComparison.Ordinal)
            .Replace("$__rate_interval", query.Interval == "30s" ? "2m" : "1m", StringComparison.Ordinal);
}

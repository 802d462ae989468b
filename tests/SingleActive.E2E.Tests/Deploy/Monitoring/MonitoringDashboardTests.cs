using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Deploy.Monitoring;

/// <summary>
/// deploy/components/monitoring's Grafana dashboard: shipped as the ConfigMap Grafana's dashboard sidecar loads, every
/// query parsed by promtool and held to the metrics the binaries write, every variable it uses defined. That its
/// queries answer what the Service shows is <see cref="Scenarios.MonitoringScenarioTests"/>' part, on a real Prometheus.
/// </summary>
public sealed partial class MonitoringDashboardTests
{
    [Fact]
    public async Task ConfigMap_InTheComponent_LabelledForGrafanasSidecarAndHoldingDashboardJson()
    {
        var dashboard = await MonitoringDashboard.LoadAsync();

        Assert.Equal("single-active-system", (string?)dashboard.ConfigMap["metadata"]!["namespace"]);
        Assert.Equal("1", (string?)dashboard.ConfigMap["metadata"]!["labels"]!["grafana_dashboard"]);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "deploy", MonitoringComponent.Path, "dashboard.json")))!;
        Assert.True(JsonNode.DeepEquals(file, dashboard.Document), "the ConfigMap does not hold deploy/components/monitoring/dashboard.json");
        Assert.Equal("single-active", (string?)dashboard.Document["uid"]);
        Assert.NotEmpty(dashboard.Queries);
    }

    [Fact]
    public async Task Queries_Promtool_ParsesEach()
    {
        var dashboard = await MonitoringDashboard.LoadAsync();
        var rules = new JsonArray([.. dashboard.Queries.Select((q, i) => new JsonObject { ["record"] = $"dashboard_query_{i}", ["expr"] = MonitoringDashboard.Expand(q) })]);
        var promtool = await PrometheusTools.PromtoolAsync();
        var work = Directory.CreateTempSubdirectory("single-active-dashboard-").FullName;
        try
        {
            var file = Path.Combine(work, "queries.json");
            await File.WriteAllTextAsync(file, new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboard", ["rules"] = rules }) }.ToJsonString());

            var (exit, stdout, stderr) = await ExternalCommand.RunAsync(promtool, ["check", "rules", file]);

            Assert.True(exit == 0, $"promtool check rules failed on the dashboard's queries (exit {exit}):\n{stdout}\n{stderr}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The docs' metric tables are held to what the binaries write, so this holds the dashboard to the binaries.</summary>
    [Fact]
    public async Task Queries_EachMetric_IsWrittenByAnElectorOrTheWebhook()
    {
        var documented = MetricsDocsAssertions.Documented("docs/elector.md", "## HTTP").Concat(MetricsDocsAssertions.Documented("docs/server.md", "## Metrics")).ToHashSet(StringComparer.Ordinal);
        var used = (await MonitoringDashboard.LoadAsync()).Queries.SelectMany(q => MetricName().Matches(q.Expr)).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(m => !documented.Contains(m)).Select(m => $"{m} is not a metric of docs/elector.md or docs/server.md"));
    }

    [Fact]
    public async Task Panels_EachOnTheDataSourceVariableWithADescriptionAndOnlyDefinedVariables()
    {
        var dashboard = await MonitoringDashboard.LoadAsync();
        var variables = dashboard.Document["templating"]!["list"]!.AsArray().Select(v => (string)v!["name"]!).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(["datasource", "namespace", "lease"], variables);
        Assert.All(dashboard.Panels, p =>
        {
            Assert.Equal("${datasource}", (string?)p["datasource"]!["uid"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)p["description"]), $"panel \"{p["title"]}\" has no description");
        });
        var used = dashboard.Queries.SelectMany(q => Variable().Matches(q.Expr)).Select(m => m.Groups["name"].Value).Where(v => !v.StartsWith("__", StringComparison.Ordinal));
        Assert.Empty(used.Where(v => !variables.Contains(v)).Select(v => $"${v} is not a variable of the dashboard"));
    }

    [Fact]
    public async Task Panels_NoTwoOverlap()
    {
        var boxes = (await MonitoringDashboard.LoadAsync()).Document["panels"]!.AsArray()
            .Select(p => (Title: (string)p!["title"]!, X: (int)p["gridPos"]!["x"]!, Y: (int)p["gridPos"]!["y"]!, W: (int)p["gridPos"]!["w"]!, H: (int)p["gridPos"]!["h"]!))
            .ToList();

        Assert.All(boxes, b => Assert.True(b.X + b.W <= 24, $"panel \"{b.Title}\" is wider than the 24 columns"));
        var overlapping = boxes.SelectMany((a, i) => boxes.Skip(i + 1).Where(b => a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H).Select(b => $"\"{a.Title}\" overlaps \"{b.Title}\""));
        Assert.Empty(overlapping);
    }

    /// <summary>A metric name, without a histogram's series suffix (the docs name the histogram).</summary>
    [GeneratedRegex(@"(?<name>single_active_\w+?)(_bucket|_sum|_count)?\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\$\{?(?<name>\w+)")]
    private static partial Regex Variable();
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SingleActive.Contract;
using SingleActive.E2E.Tests.Support;
using SingleActive.Tests.Shared;

namespace SingleActive.E2E.Tests.Deploy.Monitoring;

/// <summary>
/// deploy/components/monitoring: its alert rules checked and unit-tested by promtool (Prometheus' own rule
/// evaluator, <c>alerts.test.yaml</c>), held to the metrics the binaries write and to docs/monitoring.md, and its
/// monitors held to the names of the elector's port and the webhook's Deployment, Service and certificate Secret.
/// The Prometheus Operator's CRDs are not on the test control plane, so the monitors are checked here.
/// </summary>
public sealed partial class MonitoringRulesTests
{
    private const string SystemNamespace = "single-active-system";
    private static readonly string TestFile = Path.Combine(RepositoryPaths.Root, "tests", "SingleActive.E2E.Tests", "Deploy", "Monitoring", "alerts.test.yaml");

    [Fact]
    public async Task Rules_Promtool_CheckPasses()
    {
        var rule = await MonitoringComponent.RuleAsync();

        var (exit, stdout, stderr) = await PromtoolAsync(
            work => File.WriteAllText(Path.Combine(work, "rules.json"), MonitoringComponent.RuleFile(rule, withAnnotations: true)),
            work => ["check", "rules", Path.Combine(work, "rules.json")]);

        Assert.True(exit == 0, $"promtool check rules failed (exit {exit}):\n{stdout}\n{stderr}");
    }

    /// <summary>promtool compares annotations verbatim; they are prose, so the logic is tested without them.</summary>
    [Fact]
    public async Task Rules_PromtoolUnitTests_Pass()
    {
        var rule = await MonitoringComponent.RuleAsync();

        var (exit, stdout, stderr) = await PromtoolAsync(
            work =>
            {
                File.WriteAllText(Path.Combine(work, "rules.json"), MonitoringComponent.RuleFile(rule, withAnnotations: false));
                File.Copy(TestFile, Path.Combine(work, "alerts.test.yaml"));
            },
            work => ["test", "rules", Path.Combine(work, "alerts.test.yaml")]);

        Assert.True(exit == 0, $"promtool test rules failed (exit {exit}):\n{stdout}\n{stderr}");
    }

    [Fact]
    public async Task Rules_EachAlert_FiresInATestAndStaysQuietInAnother()
    {
        var alerts = MonitoringComponent.Alerts(await MonitoringComponent.RuleAsync()).Select(a => (string)a["alert"]!).ToList();
        var cases = TestCases();

        Assert.Equal(alerts.Count, alerts.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(alerts.Where(a => !cases.Any(c => c.Alert == a && c.Fires)).Select(a => $"{a} never fires in alerts.test.yaml"));
        Assert.Empty(alerts.Where(a => !cases.Any(c => c.Alert == a && !c.Fires)).Select(a => $"{a} is never shown quiet in alerts.test.yaml"));
        Assert.Empty(cases.Select(c => c.Alert).Except(alerts).Select(a => $"alerts.test.yaml tests {a}, which is not a rule"));
    }

    /// <summary>An annotation naming a label the alert does not carry renders empty: each must be among the labels its firing test expects (promtool compares those exactly).</summary>
    [Fact]
    public async Task Annotations_EachLabelNamed_IsOneTheAlertCarries()
    {
        var cases = TestCases();
        var problems = new List<string>();
        foreach (var alert in MonitoringComponent.Alerts(await MonitoringComponent.RuleAsync()))
        {
            var name = (string)alert["alert"]!;
            var carried = cases.Where(c => c.Alert == name && c.Fires).SelectMany(c => c.Labels).ToHashSet(StringComparer.Ordinal);
            var named = alert["annotations"]!.AsObject().SelectMany(a => LabelReference().Matches((string)a.Value!)).Select(m => m.Groups["label"].Value);
            problems.AddRange(named.Where(l => !carried.Contains(l)).Distinct().Select(l => $"{name} names $labels.{l}, which it does not carry"));
        }

        Assert.Empty(problems);
    }

    /// <summary>The docs' metric tables are held to what the binaries write (MetricsDocsAssertions in their unit tests), so this holds the rules to the binaries.</summary>
    [Fact]
    public async Task Expressions_EachMetric_IsWrittenByAnElectorOrTheWebhook()
    {
        var documented = MetricsDocsAssertions.Documented("docs/elector.md", "## HTTP").Concat(MetricsDocsAssertions.Documented("docs/server.md", "## Metrics")).ToHashSet(StringComparer.Ordinal);
        var used = MonitoringComponent.Alerts(await MonitoringComponent.RuleAsync()).SelectMany(a => MetricName().Matches((string)a["expr"]!)).Select(m => HistogramSeries().Replace(m.Value, "")).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(m => !documented.Contains(m)).Select(m => $"{m} is not a metric of docs/elector.md or docs/server.md"));
    }

    [Fact]
    public async Task Docs_EachAlert_HasASectionInMonitoringMd()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "monitoring.md"));

        Assert.Empty(MonitoringComponent.Alerts(await MonitoringComponent.RuleAsync()).Select(a => (string)a["alert"]!).Where(a => !docs.Contains($"\n### {a}\n", StringComparison.Ordinal)).Select(a => $"docs/monitoring.md has no section \"### {a}\""));
    }

    [Theory]
    [InlineData("overlays/cert-manager")]
    [InlineData("overlays/self-signed")]
    public async Task Monitors_OverAnInstallOverlay_ScrapeTheElectorPortAndTheWebhookOverVerifiedHttps(string overlay)
    {
        var objects = await MonitoringComponent.BuildAsync(overlay);

        var electors = Kustomize.Single(objects, "PodMonitor", "single-active-electors");
        Assert.Equal(SystemNamespace, (string?)electors["metadata"]!["namespace"]);
        Assert.True((bool)electors["spec"]!["namespaceSelector"]!["any"]!);
        Assert.Equal(ElectorHttp.PortName, (string?)Assert.Single(electors["spec"]!["podMetricsEndpoints"]!.AsArray())!["port"]);

        var webhook = Kustomize.Single(objects, "PodMonitor", "single-active-webhook");
        var deployment = Kustomize.Single(objects, "Deployment", "single-active-webhook");
        var service = Kustomize.Single(objects, "Service", "single-active-webhook");
        var endpoint = Assert.Single(webhook["spec"]!["podMetricsEndpoints"]!.AsArray())!;
        Assert.Equal(SystemNamespace, (string?)webhook["metadata"]!["namespace"]);
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(webhook["spec"]!["selector"]!["matchLabels"]!.AsObject(), l => Assert.Equal((string?)podLabels[l.Key], (string?)l.Value));
        Assert.Contains(deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray(), c => c!["ports"]!.AsArray().Any(p => (string?)p!["name"] == (string?)endpoint["port"]));
        Assert.Equal("https", (string?)endpoint["scheme"]);
        Assert.Equal($"{service["metadata"]!["name"]}.{service["metadata"]!["namespace"]}.svc", (string?)endpoint["tlsConfig"]!["serverName"]);
        var secret = (string?)endpoint["tlsConfig"]!["ca"]!["secret"]!["name"];
        Assert.Equal("ca.crt", (string?)endpoint["tlsConfig"]!["ca"]!["secret"]!["key"]);
        Assert.True(WritesCertificateSecret(objects, deployment, secret!), $"nothing in {overlay} puts the serving certificate into Secret {secret}");

        var rule = Kustomize.Single(objects, "PrometheusRule", "single-active");
        Assert.Equal(SystemNamespace, (string?)rule["metadata"]!["namespace"]);
        // The operator names a PodMonitor's job <namespace>/<name>; the down alerts also match a plain job of the same name.
        Assert.Matches(JobPattern(rule, "SingleActiveWebhookDown"), $"{SystemNamespace}/{webhook["metadata"]!["name"]}");
        Assert.Matches(JobPattern(rule, "SingleActiveElectorDown"), $"{SystemNamespace}/{electors["metadata"]!["name"]}");
        Assert.Matches(JobPattern(rule, "SingleActiveElectorDown"), "single-active-electors");
    }

    /// <summary>Runs promtool on files <paramref name="prepare"/> writes into a new folder (a test file names its rule file relative to itself).</summary>
    private static async Task<(int ExitCode, string StdOut, string StdErr)> PromtoolAsync(Action<string> prepare, Func<string, string[]> arguments)
    {
        var promtool = await PrometheusTools.PromtoolAsync();
        var work = Directory.CreateTempSubdirectory("single-active-promtool-").FullName;
        try
        {
            prepare(work);
            return await ExternalCommand.RunAsync(promtool, arguments(work));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The Secret the webhook serves from: a cert-manager Certificate's, the self-signed mode's flag, or the mounted volume's (certs/generate.sh).</summary>
    private static bool WritesCertificateSecret(IEnumerable<JsonObject> objects, JsonObject deployment, string secret) =>
        objects.Any(o => (string?)o["kind"] == "Certificate" && (string?)o["spec"]!["secretName"] == secret && (string?)o["metadata"]!["name"] == "single-active-webhook")
        || deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Any(c => c!["args"]?.AsArray().Any(a => (string?)a == $"--self-signed-secret={secret}") == true)
        || deployment["spec"]!["template"]!["spec"]!["volumes"]?.AsArray().Any(v => (string?)v!["secret"]?["secretName"] == secret) == true;

    /// <summary>The alert's <c>up{job=~"..."}</c> matcher as an anchored regex (PromQL anchors its regexes).</summary>
    private static string JobPattern(JsonObject rule, string alert)
    {
        var expr = (string)MonitoringComponent.Alerts(rule).Single(a => (string?)a["alert"] == alert)["expr"]!;
        return $"^(?:{JobMatcher().Match(expr).Groups["job"].Value})$";
    }

    /// <summary>The alert_rule_test entries of alerts.test.yaml: which alert, whether it fires, and the labels expected when it does.</summary>
    private static List<(string Alert, bool Fires, IReadOnlyList<string> Labels)> TestCases()
    {
        var document = Assert.Single(YamlJson.ParseDocuments(File.ReadAllText(TestFile)));
        return [.. document["tests"]!.AsArray()
            .SelectMany(t => t!["alert_rule_test"]?.AsArray() ?? [])
            .Select(c =>
            {
                var expected = c!["exp_alerts"]?.AsArray() ?? [];
                IReadOnlyList<string> labels = [.. expected.SelectMany(e => e!["exp_labels"]?.AsObject().Select(l => l.Key) ?? [])];
                return ((string)c["alertname"]!, expected.Count > 0, labels);
            })];
    }

    [GeneratedRegex(@"\$labels\.(?<label>\w+)")]
    private static partial Regex LabelReference();

    [GeneratedRegex(@"single_active_\w+")]
    private static partial Regex MetricName();

    /// <summary>The suffix of a histogram's bucket series (docs name the histogram).</summary>
    [GeneratedRegex(@"_bucket$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"up\{job=~""(?<job>[^""]+)""\}")]
    private static partial Regex JobMatcher();
}

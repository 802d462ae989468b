using System.Reflection;
using System.Text;
using SingleActive.Core.Metrics;
using SingleActive.Tests.Shared;
using SingleActive.Webhook.Metrics;

namespace SingleActive.Webhook.Tests.Metrics;

public sealed class PrometheusMetricsTests
{
    [Fact]
    public void Counter_WithTwoLabels_WritesSortedSeriesWithEscapedValues()
    {
        var counter = new Counter("c_total", "Help text.", "kind", "decision");
        counter.Inc("Pod", "skipped");
        counter.Inc("Pod", "injected");
        counter.Inc("Pod", "injected");
        counter.Inc("We\"ird\\", "x");

        var text = Render(counter);

        Assert.Equal(
            "# HELP c_total Help text.\n# TYPE c_total counter\n" +
            "c_total{kind=\"Pod\",decision=\"injected\"} 2\n" +
            "c_total{kind=\"Pod\",decision=\"skipped\"} 1\n" +
            "c_total{kind=\"We\\\"ird\\\\\",decision=\"x\"} 1\n",
            text);
    }

    [Fact]
    public void Counter_WithoutLabels_WritesZeroBeforeFirstIncrement()
    {
        var counter = new Counter("plain_total", "h");

        Assert.EndsWith("plain_total 0\n", Render(counter));
        counter.Inc();
        Assert.EndsWith("plain_total 1\n", Render(counter));
        Assert.Equal(1, counter.Value());
    }

    [Fact]
    public void Histogram_Observations_WritesCumulativeBucketsSumAndCount()
    {
        var histogram = new Histogram("d_seconds", "h", [0.001, 0.01, 0.1]);
        histogram.Observe(0.0005);
        histogram.Observe(0.001);
        histogram.Observe(0.05);
        histogram.Observe(3);

        var text = Render(histogram);

        Assert.Contains("# TYPE d_seconds histogram\n", text);
        Assert.Contains("d_seconds_bucket{le=\"0.001\"} 2\n", text);
        Assert.Contains("d_seconds_bucket{le=\"0.01\"} 2\n", text);
        Assert.Contains("d_seconds_bucket{le=\"0.1\"} 3\n", text);
        Assert.Contains("d_seconds_bucket{le=\"+Inf\"} 4\n", text);
        Assert.Contains("d_seconds_sum 3.0515\n", text);
        Assert.Contains("d_seconds_count 4\n", text);
    }

    [Fact]
    public void Histogram_ConcurrentObservations_CountsEveryOne()
    {
        var histogram = new Histogram("h", "h", [1]);

        Parallel.For(0, 10_000, _ => histogram.Observe(0.5));

        Assert.Equal(10_000, histogram.Count);
        Assert.Contains("h_sum 5000\n", Render(histogram));
    }

    [Fact]
    public void Histogram_UnsortedBounds_Throws() =>
        Assert.Throws<ArgumentException>(() => new Histogram("h", "h", [1, 0.5]));

    [Fact]
    public void Gauge_WithoutValue_IsOmitted()
    {
        double? value = null;
        var gauge = new Gauge("g", "h", () => value);

        Assert.Equal("", Render(gauge));
        value = 1700000000;
        Assert.EndsWith("g 1700000000\n", Render(gauge));
    }

    [Fact]
    public void Registry_SameNameTwice_Throws()
    {
        var registry = new MetricsRegistry();
        registry.Register(new Counter("x_total", "h"));

        Assert.Throws<InvalidOperationException>(() => registry.Register(new Counter("x_total", "h")));
    }

    [Fact]
    public void WebhookMetrics_ManyDistinctKinds_AreBoundedUnderOther()
    {
        var metrics = new WebhookMetrics(new MetricsRegistry());
        for (var i = 0; i < 100; i++)
        {
            metrics.RecordAdmission($"Kind{i}", "skipped", TimeSpan.FromMilliseconds(1));
        }

        metrics.RecordAdmission("bad kind with spaces", "skipped", TimeSpan.Zero);
        metrics.RecordAdmission(null, WebhookMetrics.InvalidRequest, TimeSpan.Zero);

        var text = metrics.Registry.Render();
        // The served kinds' error series exist from the start (at 0); the rest is what the requests made.
        Assert.Equal(32 + 1 + 1, text.Split('\n').Count(l => l.StartsWith(WebhookMetrics.AdmissionRequestsName + "{", StringComparison.Ordinal) && !l.Contains("decision=\"error\"", StringComparison.Ordinal)));
        Assert.Equal(100 - 32 + 1, metrics.AdmissionRequests.Value(WebhookMetrics.OtherKind, "skipped"));
        Assert.Equal(1, metrics.AdmissionRequests.Value(WebhookMetrics.UnknownKind, WebhookMetrics.InvalidRequest));
    }

    /// <summary>Every family the webhook writes (the certificate's expiry known) is a row of docs/server.md's table, and the table lists nothing else.</summary>
    [Fact]
    public void WebhookMetrics_EveryFamily_InTheDocsTable()
    {
        var metrics = new WebhookMetrics(new MetricsRegistry());
        metrics.SetCertificateNotAfter(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        MetricsDocsAssertions.EachFamilyInTheDocsTable(metrics.Registry.Render(), "docs/server.md", "## Metrics");
    }

    /// <summary>Prometheus counts nothing for a series' first sample: the series alerts watch start at 0.</summary>
    [Fact]
    public void WebhookMetrics_New_AlertedSeriesAtZero()
    {
        var text = new WebhookMetrics(new MetricsRegistry()).Registry.Render();

        Assert.Contains("single_active_admission_requests_total{kind=\"Pod\",decision=\"error\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_admission_requests_total{kind=\"PodDisruptionBudget\",decision=\"error\"} 0\n", text, StringComparison.Ordinal);
        foreach (var result in new[] { "created", "exists", "cached", "error", "node-binding-missing", "node-binding-forbidden", "node-binding-wrong-role" })
        {
            Assert.Contains($"single_active_provisioning_total{{result=\"{result}\"}} 0\n", text, StringComparison.Ordinal);
        }
    }

    /// <summary>The kinds whose error series start at 0 are the resources deploy/'s webhook configuration sends, no more, no fewer.</summary>
    [Fact]
    public void ServedKinds_AreTheResourcesOfTheDeployedWebhookConfiguration()
    {
        var yaml = File.ReadAllText(RepositoryFiles.Find("deploy/base/mutatingwebhookconfiguration.yaml"));
        var resources = System.Text.RegularExpressions.Regex.Matches(yaml, @"resources: \[(?<list>[^\]]*)\]")
            .SelectMany(m => m.Groups["list"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(r => r.Trim('"'));

        Assert.Equal(
            resources.Order(StringComparer.Ordinal),
            WebhookMetrics.ServedKinds.Select(k => k.ToLowerInvariant()).Select(k => k.EndsWith('y') ? k[..^1] + "ies" : k + "s").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WebhookMetrics_BuildInfo_VersionOfTheWebhookAssembly()
    {
        var text = new WebhookMetrics(new MetricsRegistry()).Registry.Render();
        var informational = typeof(WebhookMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+');

        Assert.Contains($"single_active_build_info{{version=\"{informational[0]}\",revision=\"{(informational.Length > 1 ? informational[1] : "")}\"}} 1\n", text, StringComparison.Ordinal);
    }

    private static string Render(IMetric metric)
    {
        var output = new StringBuilder();
        metric.WriteTo(output);
        return output.ToString();
    }
}

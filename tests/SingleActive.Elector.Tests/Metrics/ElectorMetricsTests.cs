using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using SingleActive.Contract;
using SingleActive.Core.Build;
using SingleActive.Elector.Election;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Metrics;
using SingleActive.Tests.Shared;

namespace SingleActive.Elector.Tests.Metrics;

public sealed class ElectorMetricsTests
{
    private static readonly ElectionStatus Standby = new("b", "a", false, 4, null, null);

    [Fact]
    public void Render_Counters_AppearWithLabels()
    {
        var metrics = new ElectorMetrics();
        metrics.RecordApiError(ApiOperation.Update);
        metrics.RecordApiError(ApiOperation.Update);
        metrics.RecordApiError(ApiOperation.Watch);
        metrics.RecordElected();
        metrics.RecordLost(LeadershipLossReason.RenewDeadlineExceeded);

        var text = metrics.Render(Standby, ready: false, appHealthy: null);

        Assert.Contains("single_active_elector_api_errors_total{operation=\"update\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_api_errors_total{operation=\"watch\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_transitions_total{to=\"standby\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_leadership_lost_total{reason=\"renew_deadline_exceeded\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_lease_transitions 4\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("app_healthy", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Fencing_FailuresCounterAndAwaitingGauge()
    {
        var metrics = new ElectorMetrics();
        metrics.RecordFenceFailure();
        metrics.RecordFenceFailure();

        var awaiting = metrics.Render(new ElectionStatus("b", "b", true, 5, null, null, AwaitingFence: true), ready: false, appHealthy: null);
        var fenced = metrics.Render(new ElectionStatus("b", "b", true, 5, null, null), ready: true, appHealthy: null);

        Assert.Contains("# TYPE single_active_elector_fence_failures_total counter\nsingle_active_elector_fence_failures_total 2\n", awaiting, StringComparison.Ordinal);
        Assert.Contains("# TYPE single_active_elector_awaiting_fence gauge\nsingle_active_elector_awaiting_fence 1\n", awaiting, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_awaiting_fence 0\n", fenced, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LeaseRewinds_CounterFromTheStatusAtZeroFromTheStart()
    {
        var metrics = new ElectorMetrics();

        var none = metrics.Render(Standby, ready: false, appHealthy: null);
        var two = metrics.Render(Standby with { LeaseRewinds = 2 }, ready: false, appHealthy: null);

        Assert.Contains("# TYPE single_active_elector_lease_rewinds_total counter\nsingle_active_elector_lease_rewinds_total 0\n", none, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_lease_rewinds_total 2\n", two, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RenewHistogram_IsCumulative()
    {
        var metrics = new ElectorMetrics();
        metrics.RecordRenew(TimeSpan.FromMilliseconds(3));
        metrics.RecordRenew(TimeSpan.FromMilliseconds(40));
        metrics.RecordRenew(TimeSpan.FromSeconds(3));

        var text = metrics.Render(Standby, ready: false, appHealthy: true);

        Assert.Contains("single_active_elector_renew_duration_seconds_bucket{le=\"0.005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_renew_duration_seconds_bucket{le=\"0.05\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_renew_duration_seconds_bucket{le=\"2.5\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_renew_duration_seconds_bucket{le=\"5\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_renew_duration_seconds_bucket{le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_renew_duration_seconds_count 3\n", text, StringComparison.Ordinal);
        Assert.Contains("single_active_elector_app_healthy 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "single_active_elector_app_containers_running 1\n")]
    [InlineData(false, "single_active_elector_app_containers_running 0\n")]
    [InlineData(null, null)]
    public void Render_AppContainers_GaugeWhileThePodIsSeen(bool? running, string? expected)
    {
        var metrics = new ElectorMetrics { AppContainersRunning = () => running };

        var text = metrics.Render(Standby, ready: false, appHealthy: null);

        if (expected is null)
        {
            Assert.DoesNotContain("single_active_elector_app_containers_running", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_EveryLine_IsHelpTypeOrASample()
    {
        var metrics = new ElectorMetrics();
        metrics.Describe("checkout", ElectorMode.Readiness, new BuildVersion("1.0.0", ""));
        var text = metrics.Render(Standby, ready: false, appHealthy: false);

        Assert.All(
            text.TrimEnd('\n').Split('\n'),
            line => Assert.Matches(@"^(# (HELP|TYPE) single_active_elector_\w+ .+|single_active_elector_\w+(\{[a-z]+=""[^""]*""(,[a-z]+=""[^""]*"")*\})? [0-9.e+-]+)$", line));
    }

    [Fact]
    public void Render_Described_InfoSeriesFirstWithLeaseModeAndBuild()
    {
        var metrics = new ElectorMetrics();
        metrics.Describe("checkout", ElectorMode.Label, new BuildVersion("1.2.3", "abc123"));

        var text = metrics.Render(Standby, ready: false, appHealthy: null);

        Assert.StartsWith(
            "# HELP single_active_elector_info The Lease this elector campaigns for, its mode and its build; always 1.\n" +
            "# TYPE single_active_elector_info gauge\n" +
            "single_active_elector_info{lease=\"checkout\",mode=\"label\",version=\"1.2.3\",revision=\"abc123\"} 1\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NotDescribed_NoInfoSeries() =>
        Assert.DoesNotContain(ElectorMetrics.InfoName, new ElectorMetrics().Render(Standby, ready: false, appHealthy: null), StringComparison.Ordinal);

    /// <summary>Every family the elector can write (each optional one switched on) is a row of docs/elector.md's table, and the table lists nothing else.</summary>
    [Fact]
    public void Render_EveryFamily_InTheDocsTable()
    {
        var metrics = new ElectorMetrics { FencePermitted = true, DeletionHandover = true, DrainAwareness = true, ConnectionPoolReplacements = () => 0, AppContainersRunning = () => true };
        metrics.Describe("checkout", ElectorMode.Readiness, BuildVersion.Current);
        using var key = ECDsa.Create();
        using var ca = new CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var text = metrics.Render(Standby, ready: false, appHealthy: true, new ApiServerTrust([ca], file: null, new FakeTimeProvider()));

        MetricsDocsAssertions.EachFamilyInTheDocsTable(text, "docs/elector.md", "## HTTP");
    }

    /// <summary>Prometheus counts nothing for a series' first sample: each operation is written at 0 before its first failure.</summary>
    [Fact]
    public void Render_NoFailureYet_EveryApiOperationAtZero()
    {
        var text = new ElectorMetrics().Render(Standby, ready: false, appHealthy: null);

        Assert.All(ApiOperations.All, o => Assert.Contains($"single_active_elector_api_errors_total{{operation=\"{o}\"}} 0\n", text, StringComparison.Ordinal));
    }

    [Fact]
    public void ApiOperations_AreTheOperationsDocsElectorMdLists()
    {
        var row = File.ReadAllLines(RepositoryFiles.Find("docs/elector.md")).Single(l => l.StartsWith("| `single_active_elector_api_errors_total", StringComparison.Ordinal));
        var documented = System.Text.RegularExpressions.Regex.Matches(row.Split('|')[3], "`([a-z_]+)`").Select(m => m.Groups[1].Value);

        Assert.Equal(ApiOperations.All.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }
}

using System.Reflection;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.E2E.Tests.ControlPlane;
using SingleActive.E2E.Tests.Deploy;
using SingleActive.E2E.Tests.Deploy.Monitoring;
using SingleActive.E2E.Tests.Support;
using Xunit.Abstractions;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>
/// docs/monitoring.md on the stand-in cluster: a real Prometheus with the scrape job the docs give for a Prometheus
/// without the operator (the port named sa-elector kept from pod discovery's targets, which <see cref="PrometheusServer"/>
/// lists in its place) and the component's alert rules scrapes the injected electors at their pod IPs, groups them per
/// Lease through single_active_elector_info, and raises the alerts from what the electors report. Alerts are seen as pending: their <c>for</c> (a minute, an hour) is Prometheus' to count.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class MonitoringScenarioTests(ControlPlaneFixture cluster, ITestOutputHelper output)
{
    /// <summary>Discovery, a scrape and a rule evaluation each take a second here; the elector's state changes take a few.</summary>
    private static readonly TimeSpan SeenWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DocumentedScrapeJobAndAlerts_TwoWorkloads_ServingPerLeaseAndAlertsFollowTheElectors()
    {
        await using var scenario = await Scenario.StartAsync(cluster, output, "monitoring");
        var ns = scenario.Namespace;
        await scenario.ApplyAsync(
            Manifests.Service(ns, "web") + "---\n" + Manifests.Deployment(ns, "web", 3, Manifests.OptIn, withAppProbe: true) + "---\n" +
            Manifests.Service(ns, "worker", extraSelector: $"{Labels.Role}: {Labels.Leader}") + "---\n" + Manifests.Deployment(ns, "worker", 2, Manifests.LabelMode));
        var leader = await scenario.WaitForSingleLeaderAsync("web", TimeSpan.FromSeconds(30));
        var workerLeader = await scenario.WaitForSingleLeaderAsync("worker", TimeSpan.FromSeconds(30));
        var webPods = await scenario.WaitForRunningPodsAsync("web", 3, TimeSpan.FromSeconds(30));
        var workerPods = await scenario.WaitForRunningPodsAsync("worker", 2, TimeSpan.FromSeconds(30));

        await using var prometheus = await PrometheusServer.StartAsync(
            cluster, scenario.Nodes.Network, DocumentedScrapeJob(), [.. webPods, .. workerPods], MonitoringComponent.RuleFile(await MonitoringComponent.RuleAsync(), withAnnotations: true));

        // Every elector found (discovery keeps only the port sa-elector), with its Lease, mode and build.
        await UntilAsync(prometheus, "count by (lease, mode, version) (single_active_elector_info)", $"web,readiness,{Build().Version}=3 worker,label,{Build().Version}=2", "lease", "mode", "version");

        // Per Lease: readiness mode serves one (the Service's address), label mode keeps every replica ready with one leader.
        const string PerLease = "* on (namespace, pod) group_left (lease) single_active_elector_info";
        await UntilAsync(prometheus, $"sum by (lease) (single_active_elector_ready {PerLease})", "web=1 worker=2");
        await UntilAsync(prometheus, $"sum by (lease) (single_active_elector_is_leader {PerLease})", "web=1 worker=1");
        Assert.Equal(leader, Assert.Single(await prometheus.QueryAsync($"single_active_elector_ready {PerLease} == 1 and on (namespace, pod) single_active_elector_info{{lease=\"web\"}}")).Labels["pod"]);
        Assert.All(await prometheus.QueryAsync("single_active_elector_info"), s => Assert.Equal(Build().Revision, s.Labels["revision"]));
        // The dashboard (deploy/components/monitoring) over the same electors: Prometheus takes every query, and the
        // leader, serving, replica, safeguard and pause panels show what the electors and the Service show.
        var dashboard = await MonitoringDashboard.LoadAsync();
        foreach (var query in dashboard.Queries)
        {
            await prometheus.QueryAsync(MonitoringDashboard.Expand(query, ns));
        }

        await UntilAsync(prometheus, dashboard.Query("Who leads", "A", ns), $"web,{leader}=1 worker,{workerLeader}=1", "lease", "pod");
        await UntilAsync(prometheus, dashboard.Query("Serving replicas per Lease", "A", ns), "web=1", "lease");
        await UntilAsync(prometheus, dashboard.Query("Serving replicas per Lease", "B", ns), "worker=1", "lease");
        await UntilAsync(prometheus, dashboard.Query("Replicas per Lease", "A", ns), "web=3 worker=2", "lease");
        await UntilAsync(prometheus, dashboard.Query("Who leads", "B", ns), $"web,{leader}=0 worker,{workerLeader}=0", "lease", "pod");
        await UntilAsync(prometheus, dashboard.Query("Electors with a safeguard off", "A", ns), "");
        await UntilAsync(prometheus, dashboard.Query("Electors not scraped", "A", ns), "");
        await UntilAsync(prometheus, dashboard.Query("Paused Leases and elector versions", "A", ns), "web=0 worker=0", "lease");

        await prometheus.WaitForEvaluationAfterAsync(DateTimeOffset.UtcNow);
        await UntilAsync(prometheus, $"ALERTS{{namespace=\"{ns}\"}}", "");

        // Every replica's app fails its probe: the leader steps down and nobody may take over.
        foreach (var pod in webPods)
        {
            scenario.Nodes.SetAppReady(ns, pod.Metadata.Name, ready: false);
        }

        await UntilAsync(prometheus, $"ALERTS{{namespace=\"{ns}\",alertname=\"SingleActiveNoLeader\"}}", "web,pending=1", "lease", "alertstate");
        foreach (var pod in webPods)
        {
            scenario.Nodes.SetAppReady(ns, pod.Metadata.Name, ready: true);
        }

        await UntilAsync(prometheus, $"ALERTS{{namespace=\"{ns}\"}}", "");

        // An operator pauses failover: reported from every replica's view of the Lease, once per Lease.
        var (exit, stdout, stderr) = await scenario.PluginAsync("pause", "web");
        Assert.True(exit == 0, $"kubectl single-active pause web: {stdout}{stderr}");
        await UntilAsync(prometheus, $"ALERTS{{namespace=\"{ns}\"}}", "SingleActiveFailoverPaused,web,pending=1", "alertname", "lease", "alertstate");
        await UntilAsync(prometheus, dashboard.Query("Paused Leases and elector versions", "A", ns), "web=1 worker=0", "lease");
    }

    /// <summary>The job of docs/monitoring.md's "Without the operator" block, as a user would paste it.</summary>
    private static JsonObject DocumentedScrapeJob()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "monitoring.md"));
        var start = Array.FindIndex(lines, l => l == "    - job_name: single-active-electors");
        Assert.True(start >= 0, "docs/monitoring.md has no scrape job for the electors");
        var block = lines.Skip(start).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l[4..]);
        var job = YamlJson.ParseDocuments("items:\n" + string.Join('\n', block.Select(l => "  " + l)) + "\n").Single()["items"]![0]!;
        return (JsonObject)job.DeepClone();
    }

    /// <summary>The version and commit this test was built from (Directory.Build.props, git), which the published binaries under test share.</summary>
    private static (string Version, string Revision) Build()
    {
        var informational = typeof(MonitoringScenarioTests).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+', 2);
        return (informational[0], informational.Length > 1 ? informational[1] : "");
    }

    /// <summary>
    /// Waits until <paramref name="promql"/> answers <paramref name="expected"/>: each series as the values of
    /// <paramref name="labels"/> (by default all its labels, sorted by name) joined by commas, <c>=</c> its value;
    /// the series sorted and space-separated.
    /// </summary>
    private async Task UntilAsync(PrometheusServer prometheus, string promql, string expected, params string[] labels)
    {
        var last = "";
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    var result = await prometheus.QueryAsync(promql);
                    var answer = string.Join(' ', result
                        .Select(r =>
                        {
                            var names = labels.Length > 0 ? labels : [.. r.Labels.Keys.Where(k => k != "__name__").Order(StringComparer.Ordinal)];
                            return $"{string.Join(',', names.Select(l => r.Labels.GetValueOrDefault(l, "")))}={r.Value}";
                        })
                        .Order(StringComparer.Ordinal));
                    if (answer != last && answer != expected)
                    {
                        output.WriteLine($"{promql} -> {answer} (waiting for \"{expected}\")");
                    }

                    last = answer;
                    return answer == expected;
                },
                SeenWithin,
                $"{promql} to answer \"{expected}\"");
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{e.Message}; last answer \"{last}\"\nprometheus log:\n{prometheus.ReadLog()}", e);
        }

        output.WriteLine($"{promql} -> {expected}");
    }
}

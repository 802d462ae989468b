using System.Text.Json.Nodes;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Reads the electors' own view (their /status on the pod IP, from the nodes' side of the pod network).</summary>
internal static class Electors
{
    public static async Task<JsonNode?> StatusAsync(Scenario scenario, string pod) => JsonNode.Parse(await GetAsync(scenario, pod, "/status"));

    /// <summary>The elector's Prometheus exposition (its /metrics).</summary>
    public static Task<string> MetricsAsync(Scenario scenario, string pod) => GetAsync(scenario, pod, "/metrics");

    /// <summary>Three running replicas of <paramref name="app"/>, one single address (the leader, returned), and every elector answering.</summary>
    public static async Task<string> SteadyLeaderAsync(Scenario scenario, string app = "web")
    {
        await scenario.WaitForRunningPodsAsync(app, 3, TimeSpan.FromSeconds(60));
        var leader = await scenario.WaitForSingleLeaderAsync(app, TimeSpan.FromSeconds(20));
        await WaitUntilAllAnswerAsync(scenario, app);
        return leader;
    }

    /// <summary>Every running pod's elector answers /status: standbys are up and watching, not still starting.</summary>
    public static async Task WaitUntilAllAnswerAsync(Scenario scenario, string app)
    {
        foreach (var pod in await scenario.PodsAsync(app))
        {
            if (pod.Metadata.DeletionTimestamp is null)
            {
                await Eventually.SucceedsAsync(() => StatusAsync(scenario, pod.Metadata.Name), TimeSpan.FromSeconds(20), $"{pod.Metadata.Name}'s elector /status");
            }
        }
    }

    private static async Task<string> GetAsync(Scenario scenario, string pod, string path)
    {
        var url = scenario.Nodes.ElectorUrl(scenario.Namespace, pod) ?? throw new InvalidOperationException($"{pod} has no running elector on any node");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        return await scenario.Nodes.Http.GetStringAsync(new Uri(url, path), timeout.Token);
    }
}

using System.Text.Json.Nodes;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Reads the electors' own view (their /status on the kubelet's loopback port).</summary>
internal static class Electors
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public static async Task<JsonNode?> StatusAsync(Scenario scenario, string pod)
    {
        var url = scenario.Kubelet.ElectorUrl(scenario.Namespace, pod) ?? throw new InvalidOperationException($"{pod} has no elector on the kubelet");
        return JsonNode.Parse(await Http.GetStringAsync(new Uri(url, "/status")));
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
}

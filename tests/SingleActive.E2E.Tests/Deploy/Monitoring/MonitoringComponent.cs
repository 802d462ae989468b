using System.Text.Json.Nodes;

namespace SingleActive.E2E.Tests.Deploy.Monitoring;

/// <summary>deploy/components/monitoring as a user's overlay builds it, and its PrometheusRule as a Prometheus rule file.</summary>
internal static class MonitoringComponent
{
    public const string Path = "components/monitoring";

    /// <summary>The component over <paramref name="overlay"/>, as <c>kubectl apply -k</c> of a user's overlay would send it.</summary>
    public static Task<List<JsonObject>> BuildAsync(string overlay = "overlays/self-signed") => Kustomize.BuildWithComponentsAsync(overlay, Path);

    public static async Task<JsonObject> RuleAsync() => Kustomize.Single(await BuildAsync(), "PrometheusRule", "single-active");

    public static IEnumerable<JsonObject> Alerts(JsonObject rule) =>
        rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).OfType<JsonObject>().Where(r => r["alert"] is not null);

    /// <summary>A Prometheus rule file (JSON is YAML) with the PrometheusRule's groups; without annotations for promtool's unit tests, which compare them verbatim.</summary>
    public static string RuleFile(JsonObject rule, bool withAnnotations)
    {
        var groups = rule["spec"]!["groups"]!.DeepClone().AsArray();
        if (!withAnnotations)
        {
            foreach (var r in groups.SelectMany(g => g!["rules"]!.AsArray()).OfType<JsonObject>())
            {
                r.Remove("annotations");
            }
        }

        return new JsonObject { ["groups"] = groups }.ToJsonString();
    }
}

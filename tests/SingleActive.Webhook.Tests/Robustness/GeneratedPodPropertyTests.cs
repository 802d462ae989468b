using System.Net;
using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Tests.Serving;
using Xunit.Abstractions;

namespace SingleActive.Webhook.Tests.Robustness;

/// <summary>
/// Properties over generated valid pods, through the real HTTPS pipeline: the patch applies (with an
/// independent RFC 6902 implementation), the result carries the elector, app and init containers are
/// unchanged apart from the one env var the webhook documents, and injecting the result again is a
/// no-op. (The e2e project sends a sample of the same pods to a real API server.)
/// </summary>
public sealed class GeneratedPodPropertyTests(WebhookServerFixture server, ITestOutputHelper output) : IClassFixture<WebhookServerFixture>
{
    public const int Seed = 7_2026;
    private const int Pods = 400;

    [Fact]
    public async Task Mutate_GeneratedValidPods_PatchAppliesKeepsAppContainersAndReinjectsEmpty()
    {
        var failures = new List<string>();
        var injected = 0;
        for (var i = 0; i < Pods && failures.Count < 10; i++)
        {
            var pod = PodGenerator.Generate(Seed, i);
            var problem = await CheckAsync(pod, i);
            if (problem is null)
            {
                injected++;
            }
            else
            {
                failures.Add($"pod #{i} (seed {Seed}): {problem}\n    {pod.ToJsonString()}");
            }
        }

        output.WriteLine($"{injected} generated pods injected and verified");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<string?> CheckAsync(JsonObject pod, int index)
    {
        var (response, review) = await server.PostReviewAsync(Review(pod, index).ToJsonString());
        if (response.StatusCode != HttpStatusCode.OK || review?.Response is not { } answer)
        {
            return $"HTTP {(int)response.StatusCode}";
        }

        if (!answer.Allowed || answer.Patch is null)
        {
            return $"not injected: allowed={answer.Allowed} message={answer.Status?.Message}";
        }

        var patched = JsonPatchOracle.Apply(pod, answer.Patch).AsObject();
        var spec = patched["spec"]!.AsObject();
        var all = (spec["containers"]?.AsArray() ?? []).Concat(spec["initContainers"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
        if (all.Count(c => (string?)c["name"] == ElectorHttp.ContainerName) != 1)
        {
            return "the patched pod does not have exactly one elector container";
        }

        if (all.Select(c => (string?)c["name"]).Distinct().Count() != all.Count)
        {
            return "container names are not unique after injection";
        }

        if ((CompareContainers(pod, patched, "containers") ?? CompareContainers(pod, patched, "initContainers")) is { } changed)
        {
            return changed;
        }

        var elector = all.Single(c => (string?)c["name"] == ElectorHttp.ContainerName);
        var electorPorts = (elector["ports"]?.AsArray() ?? []).Select(p => (int?)p!["containerPort"]).ToHashSet();
        var appPorts = all.Where(c => c != elector).SelectMany(c => c["ports"]?.AsArray() ?? []).Select(p => (int?)p!["containerPort"]);
        if (appPorts.Any(electorPorts.Contains))
        {
            return "the elector's port collides with an app container's port";
        }

        var (again, second) = await server.PostReviewAsync(Review(patched, index).ToJsonString());
        if (again.StatusCode != HttpStatusCode.OK || second?.Response is not { Allowed: true } reinjected)
        {
            return $"re-injection was not allowed: {second?.Response?.Status?.Message}";
        }

        if (reinjected.Patch is { } p && JsonPatchOracle.Operations(p).Count > 0)
        {
            return "re-injection produced a non-empty patch";
        }

        return null;
    }

    /// <summary>Every original container is still there, unchanged except for SINGLE_ACTIVE_STATUS_URL appended to env.</summary>
    private static string? CompareContainers(JsonObject original, JsonObject patched, string field)
    {
        var before = original["spec"]![field]?.AsArray() ?? [];
        var after = (patched["spec"]![field]?.AsArray() ?? []).OfType<JsonObject>().ToDictionary(c => (string)c["name"]!);
        foreach (var container in before.OfType<JsonObject>())
        {
            var name = (string)container["name"]!;
            if (!after.TryGetValue(name, out var now))
            {
                return $"{field} {name} disappeared";
            }

            var envBefore = container["env"]?.AsArray() ?? [];
            var envAfter = now["env"]?.AsArray() ?? [];
            var added = envAfter.Skip(envBefore.Count).Select(e => (string?)e!["name"]).ToList();
            if (!JsonNode.DeepEquals(new JsonArray([.. envBefore.Select(e => e?.DeepClone())]), new JsonArray([.. envAfter.Take(envBefore.Count).Select(e => e?.DeepClone())]))
                || added.Any(n => n != ElectorEnv.StatusUrl))
            {
                return $"{field} {name}: env changed beyond appending {ElectorEnv.StatusUrl}";
            }

            var a = container.DeepClone().AsObject();
            var b = now.DeepClone().AsObject();
            a.Remove("env");
            b.Remove("env");
            if (!JsonNode.DeepEquals(a, b))
            {
                return $"{field} {name} changed: {a.ToJsonString()} -> {b.ToJsonString()}";
            }
        }

        return null;
    }

    private static JsonObject Review(JsonObject pod, int index) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = $"00000000-0000-0000-0000-{index:D12}",
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["namespace"] = "prop",
            ["name"] = (string?)pod["metadata"]!["name"] ?? "",
            ["operation"] = "CREATE",
            ["object"] = pod.DeepClone(),
            ["dryRun"] = index % 2 == 0,
        },
    };
}

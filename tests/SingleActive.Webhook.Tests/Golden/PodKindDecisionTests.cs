using System.Text.Json.Nodes;
using SingleActive.Contract;
using SingleActive.Webhook.Manifests;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>Each row of <see cref="PodKindCases"/> through the real HTTPS <c>/mutate</c> and through <c>inject -f</c> on the review's object.</summary>
public sealed class PodKindDecisionTests(GoldenServers.Container container, GoldenServers.Native native)
    : IClassFixture<GoldenServers.Container>, IClassFixture<GoldenServers.Native>
{
    [Theory]
    [MemberData(nameof(PodKindCases.Rows), MemberType = typeof(PodKindCases))]
    public async Task MutateAndInject_Kind_AgreeOnTheExpectedAnswer(string fixture, string server, string expected, string? fragment)
    {
        var review = JsonNode.Parse(TestData.Fixture(fixture))!;
        var request = review["request"]!;
        var original = request["object"]!;
        var (_, answer) = await (server == "native" ? native : (WebhookServerFixture)container).PostReviewAsync(review.ToJsonString());
        var result = answer!.Response!;
        var warnings = result.Warnings ?? [];
        var inject = InjectRun.Of(original.ToJsonString(), (string?)request["namespace"], server);
        var (exit, stdout, stderr) = (inject.Exit, inject.Stdout, inject.Stderr);

        switch (expected)
        {
            case "denied":
                Assert.False(result.Allowed, $"{fixture}: expected a denial");
                Assert.Contains(fragment!, result.Status!.Message, StringComparison.Ordinal);
                Assert.True(exit == 1, $"{fixture}: inject exited {exit}: {stderr}");
                Assert.Contains(result.Status.Message!, stderr, StringComparison.Ordinal);
                return;

            case "injected":
                Assert.True(result.Allowed, $"{fixture}: denied: {result.Status?.Message}");
                Assert.DoesNotContain(warnings, w => w.Contains("readinessProbe", StringComparison.Ordinal));
                Assert.NotNull(result.Patch);
                var patched = JsonPatchOracle.Apply(original, result.Patch!);
                Assert.NotNull(patched["metadata"]!["annotations"]![Annotations.Status]);
                Assert.True(exit == 0, $"{fixture}: inject exited {exit}: {stderr}");
                var injected = inject.Object;
                Assert.True(JsonNode.DeepEquals(patched["spec"], injected["spec"]), $"{fixture}: inject -f rendered another spec:\n{injected["spec"]}\nthan /mutate:\n{patched["spec"]}");
                Assert.True(JsonNode.DeepEquals(patched["metadata"]!["annotations"], injected["metadata"]!["annotations"]), $"{fixture}: annotations differ");
                break;

            default:
                Assert.True(result.Allowed, $"{fixture}: denied: {result.Status?.Message}");
                Assert.Null(result.Patch);
                Assert.True(exit == 0, $"{fixture}: inject exited {exit}: {stderr}");
                Assert.True(JsonNode.DeepEquals(original, inject.Object), $"{fixture}: inject -f changed the object:\n{stdout}");
                break;
        }

        if (fragment is not null)
        {
            Assert.Contains(warnings, w => w.Contains(fragment, StringComparison.Ordinal));
        }

        foreach (var warning in warnings)
        {
            Assert.Contains(warning, stderr, StringComparison.Ordinal);
        }
    }
}

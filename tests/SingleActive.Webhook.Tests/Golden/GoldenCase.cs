using System.Text.Json.Nodes;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// One golden run of each path. <c>/mutate</c>: post the input AdmissionReview to the running server, apply the
/// returned patch to the request's own object, compare the answer (decision, message, warnings, side effects,
/// resulting object) with <c>testdata/golden/&lt;variant&gt;/&lt;input&gt;.json</c>, then post the result again and expect
/// no patch. <c>inject -f</c>: run it on the same review's object (with the review's namespace), compare exit code,
/// stdout and stderr with <c>&lt;input&gt;.inject.yaml</c>, then run it on its own output and expect the same output.
/// </summary>
public static class GoldenCase
{
    public static async Task RunAsync(WebhookServerFixture server, string variant, string fixture)
    {
        var review = JsonNode.Parse(TestData.Fixture(fixture))!;
        var mutated = await MutateRun.PostAsync(server, review, fixture);

        GoldenFile.AssertJson(TestData.GoldenPath(variant, fixture), mutated.ToGolden());

        if (mutated.Response.Patch is not null)
        {
            await AssertReinjectionIsEmptyAsync(server, review, mutated.Object, fixture);
        }
    }

    public static void RunInject(string variant, string fixture)
    {
        var review = JsonNode.Parse(TestData.Fixture(fixture))!;
        var run = InjectRun.OnObjectOf(review, variant);

        GoldenFile.AssertText(TestData.InjectGoldenPath(variant, fixture), run.ToGolden(fixture));

        if (run.Exit == 0)
        {
            var again = InjectRun.Of(run.Stdout, (string?)review["request"]!["namespace"], variant);
            Assert.Equal((0, run.Stdout), (again.Exit, again.Stdout));
        }
    }

    /// <summary>
    /// A multi-document manifest through <c>inject -f</c> as a user runs it (no <c>-n</c>: the documents name their
    /// namespaces, or the output says which cannot be bound); its output injected again must come out the same.
    /// </summary>
    public static void RunInjectManifest(string variant, string name)
    {
        var run = InjectRun.Of(TestData.Manifest(name), null, variant);

        GoldenFile.AssertText(TestData.ManifestGoldenPath(variant, name), run.ToGoldenOf($"testdata/{TestData.ManifestFolder}/{name}.yaml"));

        if (run.Exit == 0)
        {
            var again = InjectRun.Of(run.Stdout, null, variant);
            Assert.Equal((0, run.Stdout), (again.Exit, again.Stdout));
        }
    }

    private static async Task AssertReinjectionIsEmptyAsync(WebhookServerFixture server, JsonNode review, JsonNode patched, string fixture)
    {
        var again = review.DeepClone();
        again["request"]!["uid"] = "00000000-0000-0000-0000-00000000a9a1";
        again["request"]!["object"] = patched.DeepClone();

        var (response, answer) = await server.PostReviewAsync(again.ToJsonString());

        Assert.Equal(200, (int)response.StatusCode);
        var result = answer!.Response!;
        Assert.True(result.Allowed, $"{fixture}: re-injection was denied: {result.Status?.Message}");
        var ops = result.Patch is null ? 0 : JsonPatchOracle.Operations(result.Patch).Count;
        Assert.True(ops == 0, $"{fixture}: re-injection produced {ops} patch operations");
    }
}

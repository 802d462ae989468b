using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// One golden run: post a captured AdmissionReview to the running server, apply the returned patch to the
/// request's own object, compare the answer (decision, message, warnings, side effects, resulting object)
/// with <c>testdata/golden/&lt;variant&gt;/&lt;fixture&gt;.json</c>, then post the result again and expect no patch.
/// </summary>
public static class GoldenCase
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task RunAsync(WebhookServerFixture server, string variant, string fixture)
    {
        var review = JsonNode.Parse(TestData.Fixture(fixture))!;
        var request = review["request"]!;
        var original = request["object"]!;
        server.Provisioner.Clear();

        var (response, answer) = await server.PostReviewAsync(review.ToJsonString());

        Assert.Equal(200, (int)response.StatusCode);
        var result = answer?.Response ?? throw new Xunit.Sdk.XunitException($"{fixture}: no AdmissionReview response");
        Assert.Equal((string?)request["uid"], result.Uid);
        var patched = original;
        if (result.Patch is { } patch)
        {
            Assert.Equal("JSONPatch", result.PatchType);
            patched = JsonPatchOracle.Apply(original, patch);
        }

        var actual = new JsonObject
        {
            ["allowed"] = result.Allowed,
            ["message"] = result.Status?.Message,
            ["warnings"] = new JsonArray([.. (result.Warnings ?? []).Select(w => JsonValue.Create(w))]),
            ["serviceAccountRequests"] = new JsonArray([.. server.Provisioner.Requests.Select(r => new JsonObject
            {
                ["namespace"] = r.Namespace,
                ["serviceAccountName"] = r.ServiceAccountName,
                ["createServiceAccount"] = r.CreateServiceAccount,
                ["mode"] = r.Mode.ToString(),
            })]),
            ["object"] = patched.DeepClone(),
        };
        CompareWithGolden(TestData.GoldenPath(variant, fixture), actual);

        if (result.Patch is not null)
        {
            await AssertReinjectionIsEmptyAsync(server, review, patched, fixture);
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

    private static void CompareWithGolden(string path, JsonNode actual)
    {
        var text = actual.ToJsonString(Pretty) + "\n";
        if (TestData.UpdateGolden)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with UPDATE_GOLDEN=1 to create it");
        var expected = JsonNode.Parse(File.ReadAllText(path));
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{path} differs from the webhook's answer (UPDATE_GOLDEN=1 rewrites it after review). Actual:\n{text}");
    }
}

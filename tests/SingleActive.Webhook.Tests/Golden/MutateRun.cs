using System.Text.Json.Nodes;
using SingleActive.Webhook.AdmissionReviews;
using SingleActive.Webhook.Provisioning;
using SingleActive.Webhook.Tests.Patching;
using SingleActive.Webhook.Tests.Serving;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The <c>/mutate</c> path of a golden case: the review posted as is to the real HTTPS server, and the returned patch
/// applied to the request's own object by the independent RFC 6902 implementation.
/// </summary>
/// <param name="Response">The AdmissionReview's response (its uid already checked against the request's).</param>
/// <param name="Object">The request's object with the patch applied (the object itself when there is no patch).</param>
/// <param name="ServiceAccountRequests">The side effects the webhook asked for (ServiceAccount, RoleBindings).</param>
public sealed record MutateRun(AdmissionResponse Response, JsonNode Object, IReadOnlyList<ServiceAccountRequest> ServiceAccountRequests)
{
    public IReadOnlyList<string> Warnings => Response.Warnings ?? [];

    public static async Task<MutateRun> PostAsync(WebhookServerFixture server, JsonNode review, string fixture)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(review);
        var request = review["request"]!;
        server.Provisioner.Clear();

        var (response, answer) = await server.PostReviewAsync(review.ToJsonString());

        Assert.Equal(200, (int)response.StatusCode);
        var result = answer?.Response ?? throw new Xunit.Sdk.XunitException($"{fixture}: no AdmissionReview response");
        Assert.Equal((string?)request["uid"], result.Uid);
        var patched = request["object"]!;
        if (result.Patch is { } patch)
        {
            Assert.Equal("JSONPatch", result.PatchType);
            patched = JsonPatchOracle.Apply(patched, patch);
        }

        return new MutateRun(result, patched.DeepClone(), [.. server.Provisioner.Requests]);
    }

    /// <summary>What <c>testdata/golden/&lt;variant&gt;/&lt;input&gt;.json</c> holds.</summary>
    public JsonObject ToGolden() => new()
    {
        ["allowed"] = Response.Allowed,
        ["message"] = Response.Status?.Message,
        ["warnings"] = new JsonArray([.. Warnings.Select(w => JsonValue.Create(w))]),
        ["serviceAccountRequests"] = new JsonArray([.. ServiceAccountRequests.Select(r => new JsonObject
        {
            ["namespace"] = r.Namespace,
            ["serviceAccountName"] = r.ServiceAccountName,
            ["createServiceAccount"] = r.CreateServiceAccount,
            ["mode"] = r.Mode.ToString(),
        })]),
        ["object"] = Object.DeepClone(),
    };
}

using System.Text.Json.Nodes;
using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The same input through both paths must give the same answer, except where <see cref="PathDifferences"/> says why
/// not: the same denial, or the same object with the same warnings and the same elector accounts (asked of the API by
/// /mutate, printed as manifests by inject -f). Every input, with each variant.
/// </summary>
public sealed class MutateInjectAgreementTests(GoldenServers.Container container, GoldenServers.Native native)
    : IClassFixture<GoldenServers.Container>, IClassFixture<GoldenServers.Native>
{
    private const string WarningPrefix = "Warning: document 1 (";

    [Theory]
    [MemberData(nameof(GoldenFixtures.AllByVariant), MemberType = typeof(GoldenFixtures))]
    public async Task MutateAndInject_Fixture_AgreeExceptStatedDifferences(string fixture, string variant)
    {
        var review = PathDifferences.AsInjectReadsIt(JsonNode.Parse(TestData.Fixture(fixture))!, out var stated);
        var mutated = await MutateRun.PostAsync(variant == "native" ? native : container, review, fixture);
        var injected = InjectRun.OnObjectOf(review, variant);
        var label = $"{fixture} ({variant}{string.Concat(stated.Select(s => "; " + s))})";

        if (!mutated.Response.Allowed)
        {
            Assert.True(injected.Exit == 1, $"{label}: /mutate denied, inject -f exited {injected.Exit}: {injected.Stderr}");
            Assert.Equal("", injected.Stdout);
            Assert.Contains("): " + mutated.Response.Status!.Message + "\n", injected.Stderr, StringComparison.Ordinal);
            return;
        }

        Assert.True(injected.Exit == 0, $"{label}: /mutate allowed, inject -f exited {injected.Exit}: {injected.Stderr}");
        var documents = injected.Documents;
        var (rbac, obj) = (documents.Take(documents.Count - 1).ToList(), documents[^1]);
        var warnings = Warnings(injected.Stderr);
        var ns = (string?)review["request"]!["namespace"];
        if (PathDifferences.InjectsTemplate(review))
        {
            AssertTemplateInjected(label, mutated, obj, rbac, warnings, ns);
            return;
        }

        Assert.True(JsonNode.DeepEquals(mutated.Object, obj), $"{label}: inject -f wrote\n{obj}\n/mutate's patch gave\n{mutated.Object}");
        Assert.Equal(mutated.Warnings, warnings);
        Assert.Equal(
            mutated.ServiceAccountRequests.Select(r => $"{r.Namespace}/{r.ServiceAccountName}").Distinct().Order(StringComparer.Ordinal),
            PathDifferences.RbacSubjects(rbac));
        Assert.Equal(
            mutated.ServiceAccountRequests.Where(r => r.CreateServiceAccount).Select(r => $"{r.Namespace}/{r.ServiceAccountName}"),
            rbac.Where(d => (string?)d["kind"] == "ServiceAccount").Select(d => $"{(string?)d["metadata"]!["namespace"]}/{(string?)d["metadata"]!["name"]}"));
    }

    /// <summary>Outside the pod template the workload is the same; the template is injected when /mutate left it opted in, with its accounts.</summary>
    private static void AssertTemplateInjected(string label, MutateRun mutated, JsonNode obj, List<JsonNode> rbac, IReadOnlyList<string> warnings, string? ns)
    {
        var (mutatedTemplate, injectedTemplate) = (mutated.Object["spec"]?["template"], obj["spec"]?["template"]);
        Assert.True(JsonNode.DeepEquals(WithoutTemplate(mutated.Object), WithoutTemplate(obj)), $"{label}: outside spec.template, inject -f wrote\n{obj}\n/mutate's patch gave\n{mutated.Object}");
        var optedIn = (string?)mutatedTemplate?["metadata"]?["annotations"]?[Annotations.Enabled] == "true" && mutated.Object["metadata"]?["deletionTimestamp"] is null;
        var status = injectedTemplate?["metadata"]?["annotations"]?[Annotations.Status];
        Assert.True(optedIn == status is not null, $"{label}: template opted in after /mutate: {optedIn}; injected by inject -f: {status is not null}");
        if (!optedIn)
        {
            Assert.True(JsonNode.DeepEquals(mutatedTemplate, injectedTemplate), $"{label}: inject -f changed a template that does not opt in");
        }

        // inject -f adds the warnings of the template's injection to /mutate's.
        Assert.All(mutated.Warnings, w => Assert.Contains(w, warnings));

        // /mutate asks for no account for a workload (the pod webhook does, for each pod); inject -f prints the template's.
        Assert.Empty(mutated.ServiceAccountRequests);
        Assert.Equal(optedIn ? [$"{ns}/{(string?)injectedTemplate!["spec"]!["serviceAccountName"] ?? "default"}"] : [], PathDifferences.RbacSubjects(rbac));
    }

    private static JsonNode WithoutTemplate(JsonNode workload)
    {
        var copy = workload.DeepClone();
        (copy["spec"] as JsonObject)?.Remove("template");
        return copy;
    }

    /// <summary>inject -f's warnings without the <c>Warning: document 1 (Kind ns/name): </c> that says where, as /mutate gives them.</summary>
    private static List<string> Warnings(string stderr) =>
        [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith(WarningPrefix, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("): ", StringComparison.Ordinal) + 3)..])];
}

using System.Text;
using System.Text.Json.Nodes;
using SingleActive.Webhook.Manifests;
using SingleActive.Webhook.Patching;

namespace SingleActive.Webhook.Tests.Manifests;

public class JsonPatchApplierTests
{
    [Theory]
    [InlineData("""{"a":{"b":1}}""", """{"a":{"b":2,"c":[1]}}""")]
    [InlineData("""{"list":[1,2,3]}""", """{"list":[0,1,2,3,4]}""")]
    [InlineData("""{"list":[1,2,3],"x":"y"}""", """{"list":[3]}""")]
    [InlineData("""{"a/b":{"~c":1}}""", """{"a/b":{"~c":null}}""")]
    public void Apply_BuilderPatch_ReproducesTheTarget(string from, string to)
    {
        var document = JsonNode.Parse(from)!;

        JsonPatchApplier.Apply(document, new JsonPatchBuilder().CreatePatch(JsonNode.Parse(from), JsonNode.Parse(to)));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(to), document), document.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"move","from":"/a","path":"/b"}]""")]
    [InlineData("""[{"op":"remove","path":"/missing/x"}]""")]
    [InlineData("""[{"op":"replace","path":"/list/7","value":1}]""")]
    [InlineData("""{"op":"add"}""")]
    public void Apply_UnsupportedOrInvalid_Throws(string patch)
    {
        Assert.ThrowsAny<ArgumentException>(() => JsonPatchApplier.Apply(JsonNode.Parse("""{"a":1,"list":[1]}""")!, Encoding.UTF8.GetBytes(patch)));
    }
}

using System.Text.Json.Nodes;
using SingleActive.Webhook.Patching;

namespace SingleActive.Webhook.Tests.Patching;

public class JsonPatchBuilderTests
{
    private readonly JsonPatchBuilder builder = new();

    public static TheoryData<string, string, string> Cases => new()
    {
        { "equal documents", """{"a":1,"b":[1,2]}""", """{"a":1,"b":[1,2]}""" },
        { "add member", """{"a":1}""", """{"a":1,"b":{"c":[1]}}""" },
        { "remove member", """{"a":1,"b":2}""", """{"a":1}""" },
        { "replace scalar", """{"a":1}""", """{"a":"x"}""" },
        { "replace with null", """{"a":1}""", """{"a":null}""" },
        { "null to object", """{"a":null}""", """{"a":{"b":1}}""" },
        { "object to array", """{"a":{"b":1}}""", """{"a":[1]}""" },
        { "nested object", """{"a":{"b":{"c":1,"d":2}}}""", """{"a":{"b":{"c":3,"e":4}}}""" },
        { "slash in key", """{"m":{"a/b":"1"}}""", """{"m":{"a/b":"2","c/d":"3"}}""" },
        { "tilde in key", """{"m":{"a~b":"1","x~1y":"2"}}""", """{"m":{"a~b":"9","x~1y":"8","~/":"7"}}""" },
        { "append to array", """{"a":[1,2]}""", """{"a":[1,2,3,4]}""" },
        { "trim array", """{"a":[1,2,3,4]}""", """{"a":[1,2]}""" },
        { "insert at front", """{"a":[{"n":"x"},{"n":"y"}]}""", """{"a":[{"n":"new"},{"n":"x"},{"n":"y"}]}""" },
        { "insert in middle", """{"a":[1,2,3]}""", """{"a":[1,9,2,3]}""" },
        { "remove from front", """{"a":[1,2,3]}""", """{"a":[2,3]}""" },
        { "remove from middle", """{"a":[1,2,3]}""", """{"a":[1,3]}""" },
        { "change element field", """{"a":[{"n":"x","e":[1]},{"n":"y"}]}""", """{"a":[{"n":"x","e":[1,2]},{"n":"y"}]}""" },
        { "change and append", """{"a":[{"n":"x"},{"n":"y"}]}""", """{"a":[{"n":"x","v":1},{"n":"y","v":2},{"n":"z"}]}""" },
        { "empty to filled array", """{"a":[]}""", """{"a":[1]}""" },
        { "filled to empty array", """{"a":[1,2]}""", """{"a":[]}""" },
        { "duplicates", """{"a":[1,1,2]}""", """{"a":[1,1,1,2]}""" },
        { "nested arrays", """{"a":[[1,2],[3]]}""", """{"a":[[1,2,5],[3],[4]]}""" },
        { "unicode", """{"a":"é"}""", """{"a":"ü","ключ":"значение"}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CreatePatch_AppliedByOracle_YieldsMutated(string name, string original, string mutated)
    {
        var a = JsonNode.Parse(original)!;
        var b = JsonNode.Parse(mutated)!;

        var patch = builder.CreatePatch(a, b);

        Assert.True(JsonNode.DeepEquals(b, JsonPatchOracle.Apply(a, patch)), $"{name}: {System.Text.Encoding.UTF8.GetString(patch)}");
    }

    /// <summary>Different text for the same document (member order, escapes) is no difference.</summary>
    [Theory]
    [InlineData("""{"a":1,"b":{"c":2,"d":[1,{"e":3,"f":4}]}}""", """{"b":{"d":[1,{"f":4,"e":3}],"c":2},"a":1}""")]
    [InlineData("""{"m":{"a/b":"x"}}""", """{"m":{"a/b":"x"}}""")]
    [InlineData("""{"m":{"a":"é"}}""", """{"m":{"a":"é"}}""")]
    public void CreatePatch_SameDocumentSpelledDifferently_IsEmpty(string original, string mutated)
    {
        var patch = builder.CreatePatch(System.Text.Encoding.UTF8.GetBytes(original), System.Text.Encoding.UTF8.GetBytes(mutated));

        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(patch));
    }

    [Fact]
    public void CreatePatch_ReorderedMembersWithChanges_OnlyTheChanges()
    {
        var original = """{"a":1,"b":2,"c":3,"d":4}"""u8.ToArray();
        var mutated = """{"d":4,"c":30,"a":1,"e":5}"""u8.ToArray();

        var operations = JsonPatchOracle.Operations(builder.CreatePatch(original, mutated));

        Assert.Equal(
            ["remove /b", "replace /c", "add /e"],
            operations.Select(o => $"{(string)o!["op"]!} {(string)o["path"]!}"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(mutated), JsonPatchOracle.Apply(JsonNode.Parse(original)!, builder.CreatePatch(original, mutated))));
    }

    [Fact]
    public void CreatePatch_EqualDocuments_IsEmptyArray()
    {
        var patch = builder.CreatePatch(JsonNode.Parse("""{"a":[1,{"b":2}]}"""), JsonNode.Parse("""{"a":[1,{"b":2}]}"""));

        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(patch));
    }

    [Fact]
    public void CreatePatch_KeysWithSlashAndTilde_AreEscaped()
    {
        var patch = JsonPatchOracle.Operations(builder.CreatePatch(
            JsonNode.Parse("""{"m":{}}"""),
            JsonNode.Parse("""{"m":{"single-active.io/status":"x","a~b":"y"}}""")));

        var paths = patch.Select(op => (string)op!["path"]!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["/m/a~0b", "/m/single-active.io~1status"], paths);
    }

    [Fact]
    public void CreatePatch_EmptyKey_IsPathWithEmptyToken()
    {
        // The oracle cannot apply "/" (it reads an empty token as no token); RFC 6901 says "/" names the key "".
        var op = Assert.Single(JsonPatchOracle.Operations(builder.CreatePatch(JsonNode.Parse("""{"":1}"""), JsonNode.Parse("""{"":2}"""))));

        Assert.Equal("/", (string)op!["path"]!);
        Assert.Equal(2, (int)op["value"]!);
    }

    [Fact]
    public void CreatePatch_InsertAtFront_IsOneAddAtIndexZero()
    {
        var patch = JsonPatchOracle.Operations(builder.CreatePatch(
            JsonNode.Parse("""{"c":[{"name":"migrate","unknownField":1}]}"""),
            JsonNode.Parse("""{"c":[{"name":"elector"},{"name":"migrate","unknownField":1}]}""")));

        var op = Assert.Single(patch);
        Assert.Equal("add", (string)op!["op"]!);
        Assert.Equal("/c/0", (string)op["path"]!);
    }

    [Fact]
    public void CreatePatch_ChangedElement_IsPatchedInPlaceNotReplaced()
    {
        var patch = JsonPatchOracle.Operations(builder.CreatePatch(
            JsonNode.Parse("""{"containers":[{"name":"app","env":[{"name":"A","value":"1"}]}]}"""),
            JsonNode.Parse("""{"containers":[{"name":"app","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}""")));

        var op = Assert.Single(patch);
        Assert.Equal("add", (string)op!["op"]!);
        Assert.Equal("/containers/0/env/1", (string)op["path"]!);
    }

    [Fact]
    public void CreatePatch_TrimmedTail_RemovesFromTheEnd()
    {
        var patch = JsonPatchOracle.Operations(builder.CreatePatch(JsonNode.Parse("[0,1,2,3]"), JsonNode.Parse("[0,1]")));

        Assert.Equal(["/3", "/2"], patch.Select(op => (string)op!["path"]!).ToArray());
        Assert.All(patch, op => Assert.Equal("remove", (string)op!["op"]!));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a/b", "a~1b")]
    [InlineData("a~b", "a~0b")]
    [InlineData("~1", "~01")]
    [InlineData("/~", "~1~0")]
    public void EscapePointerToken_SpecialCharacters_FollowRfc6901(string token, string expected) =>
        Assert.Equal(expected, JsonPatchBuilder.EscapePointerToken(token));
}

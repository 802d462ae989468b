using System.Text.Json.Nodes;
using SingleActive.Webhook.Manifests;

namespace SingleActive.Webhook.Tests.Manifests;

public class ManifestWriterTests
{
    [Theory]
    [InlineData("\"true\"")]
    [InlineData("\"yes\"")]
    [InlineData("\"8080\"")]
    [InlineData("\"0x10\"")]
    [InlineData("\"1.5\"")]
    [InlineData("\"\"")]
    [InlineData("\"null\"")]
    [InlineData("\"~\"")]
    [InlineData("\"2024-01-02\"")]
    [InlineData("\"12:30\"")]
    [InlineData("\" padded \"")]
    [InlineData("\"- dash\"")]
    [InlineData("\"a: b\"")]
    [InlineData("\"#hash\"")]
    [InlineData("\"*star\"")]
    [InlineData("\"line one\\nline two\\n\"")]
    [InlineData("\"{\\\"json\\\":1}\"")]
    [InlineData("8080")]
    [InlineData("1.50")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("[1,\"1\",{\"a\":[\"b\"]}]")]
    public void Write_ThenRead_RoundTripsTheValue(string json)
    {
        var document = new JsonObject { ["v"] = JsonNode.Parse(json) };

        var yaml = ManifestWriter.Write([document]);
        var back = ManifestReader.Read(yaml);

        Assert.True(JsonNode.DeepEquals(document, Assert.Single(back)), $"YAML:\n{yaml}");
    }

    [Fact]
    public void Write_MultiLineString_LiteralBlock()
    {
        var yaml = ManifestWriter.Write([new JsonObject { ["script"] = "echo one\necho two\n" }]);

        Assert.Equal("---\nscript: |\n  echo one\n  echo two\n", yaml.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_Documents_BlockStyleSeparatedByMarkers()
    {
        var yaml = ManifestWriter.Write([
            JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}""")!,
            JsonNode.Parse("""{"apiVersion":"v1","kind":"List","items":[]}""")!,
        ]);

        Assert.Equal("""
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
            data:
              k: v
            ---
            apiVersion: v1
            kind: List
            items: []

            """.ReplaceLineEndings("\n"), yaml.ReplaceLineEndings("\n"));
    }
}

using System.Text.Json.Nodes;
using SingleActive.Webhook.Manifests;

namespace SingleActive.Webhook.Tests.Manifests;

public class ManifestReaderTests
{
    [Fact]
    public void Read_MultiDocumentYaml_OneTreePerDocumentSkippingEmptyOnes()
    {
        const string Yaml = """
            ---
            # a comment-only document
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: conf
            data:
              enabled: "true"
            ...
            """;

        var documents = ManifestReader.Read(Yaml);

        Assert.Equal(["Service", "ConfigMap"], documents.Select(d => (string?)d["kind"]));
        Assert.Equal("true", (string?)documents[1]["data"]!["enabled"]);
    }

    [Theory]
    [InlineData("v: 8080", "8080")]
    [InlineData("v: \"8080\"", "\"8080\"")]
    [InlineData("v: '8080'", "\"8080\"")]
    [InlineData("v: 1.5", "1.5")]
    [InlineData("v: .5", "0.5")]
    [InlineData("v: 0x1F", "31")]
    [InlineData("v: 0755", "493")]
    [InlineData("v: 1_000", "1000")]
    [InlineData("v: true", "true")]
    [InlineData("v: yes", "true")]
    [InlineData("v: Off", "false")]
    [InlineData("v: ~", "null")]
    [InlineData("v:", "null")]
    [InlineData("v: null", "null")]
    [InlineData("v: 100%", "\"100%\"")]
    [InlineData("v: 128Mi", "\"128Mi\"")]
    [InlineData("v: 1.27.3", "\"1.27.3\"")]
    [InlineData("v: !!str 42", "\"42\"")]
    [InlineData("v: !!int \"42\"", "42")]
    [InlineData("v: |\n  line one\n  line two\n", "\"line one\\nline two\\n\"")]
    public void Read_Scalars_TypedAsKubectlReadsThem(string yaml, string json)
    {
        var node = ManifestReader.Read(yaml)[0]["v"];

        Assert.Equal(json, node?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Read_AnchorsAndMergeKeys_Expanded()
    {
        const string Yaml = """
            base: &base {image: nginx, name: a}
            extra: &extra {name: c, port: 80}
            containers:
            - <<: *base
              name: b
            - *base
            - <<: [*base, *extra]
            """;

        var node = ManifestReader.Read(Yaml)[0];

        Assert.Equal("""[{"name":"b","image":"nginx"},{"image":"nginx","name":"a"},{"image":"nginx","name":"a","port":80}]""", node["containers"]!.ToJsonString());
    }

    [Fact]
    public void Read_JsonStream_EveryValueIsADocument()
    {
        var documents = ManifestReader.Read("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"spec":{"x":1.50}}
            """);

        Assert.Equal(["a", "b"], documents.Select(d => (string?)d["metadata"]!["name"]));
        Assert.Equal("1.50", documents[1]["spec"]!["x"]!.ToJsonString());
    }

    [Theory]
    [InlineData("a: 1\nb: [unclosed\n", "document 1: invalid YAML at line")]
    [InlineData("a: 1\n---\nkey: value\n  bad: indent\n", "document 2: invalid YAML at line 4")]
    [InlineData("a: 1\na: 2\n", "document 1: invalid YAML at line 2, column 1: Duplicate key")]
    [InlineData("{\"a\": 1,}", "document 1: invalid JSON at line 1")]
    [InlineData("{\"a\": 1}\n{\"b\": ", "document 2: invalid JSON")]
    [InlineData("v: !!int abc", "document 1: line 1: \"abc\" is not a valid int")]
    [InlineData("kind: Pod\nmetadata:\n  annotations: {single-active: \"true\"\nspec:\n  containers: []\n", "document 1: invalid YAML after line 3, column 30: the parser cannot go on from there; a '{' or '[' left unclosed")]
    [InlineData("a: 1\n---\nb: [1, 2\nc: 3\n", "document 2: invalid YAML after line 3, column 6: the parser cannot go on")]
    [InlineData("kind: Pod\nmetadata:\n\tname: bad\n", "document 1: invalid YAML after line 2, column 9: While scanning a mapping, found invalid tab as indentation")]
    public void Read_Malformed_ErrorNamesTheDocumentAndPlace(string text, string expected)
    {
        var error = Assert.Throws<ManifestFormatException>(() => ManifestReader.Read(text));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AliasBomb_StoppedByTheDepthLimit()
    {
        var lines = new List<string> { "a0: &a0 [x]" };
        for (var i = 1; i < 80; i++)
        {
            lines.Add($"a{i}: &a{i} [*a{i - 1}]");
        }

        var error = Assert.Throws<ManifestFormatException>(() => ManifestReader.Read(string.Join('\n', lines)));

        Assert.Contains("nested deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Nothing_NoDocuments()
    {
        Assert.Empty(ManifestReader.Read("  \n# nothing\n"));
        Assert.IsType<JsonObject>(ManifestReader.Read("a: 1")[0]);
    }
}

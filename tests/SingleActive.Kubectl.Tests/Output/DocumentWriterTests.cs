using System.Text.Json.Nodes;
using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Tests.Output;

public sealed class DocumentWriterTests
{
    [Fact]
    public void ToYaml_QuotesStringsThatWouldReadAsOtherTypes()
    {
        var document = new JsonObject
        {
            ["name"] = "web",
            ["epoch"] = 3,
            ["paused"] = false,
            ["leader"] = null,
            ["mode"] = "yes",
            ["number"] = "12",
            ["why"] = "took over from web-0: released",
            ["items"] = new JsonArray("a", new JsonObject { ["x"] = 1 }),
            ["empty"] = new JsonArray(),
        };

        Assert.Equal(
            """
            name: web
            epoch: 3
            paused: false
            leader: null
            mode: "yes"
            number: "12"
            why: 'took over from web-0: released'
            items:
            - a
            - x: 1
            empty: []

            """.Replace("\r", "", StringComparison.Ordinal),
            DocumentWriter.ToYaml(document));
    }

    /// <summary>YAML 1.1 (kubectl's reader) takes these for a number, a timestamp or a float when written plain.</summary>
    [Theory]
    [InlineData("0x1F")]
    [InlineData("2026-11-30")]
    [InlineData(".inf")]
    [InlineData("1:30")]
    [InlineData("0o17")]
    public void ToYaml_QuotesStringsYaml11ReadsAsNumbersOrTimestamps(string text)
    {
        Assert.Equal($"value: \"{text}\"\n", DocumentWriter.ToYaml(new JsonObject { ["value"] = text }).ReplaceLineEndings("\n"));
    }
}

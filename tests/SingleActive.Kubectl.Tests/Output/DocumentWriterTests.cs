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
            why: "took over from web-0: released"
            items:
            - a
            - x: 1
            empty: []

            """.Replace("\r", "", StringComparison.Ordinal),
            DocumentWriter.ToYaml(document));
    }
}

using SingleActive.Kubectl.Output;

namespace SingleActive.Kubectl.Tests.Output;

public sealed class TableWriterTests
{
    [Fact]
    public void Render_PadsColumnsToTheWidestCellWithThreeSpacesAndFillsEmptyCells()
    {
        var text = TableWriter.Render(["NAME", "LEADER", "PAUSED"], [["deployment/web", "web-0", "no"], ["sts/db", null, "yes"]]);

        Assert.Equal(
            "NAME             LEADER   PAUSED\n" +
            "deployment/web   web-0    no\n" +
            "sts/db           <none>   yes\n",
            text);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(125, "2m5s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 120, "3h2m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(50 * 3600, "2d2h")]
    [InlineData(9 * 86400, "9d")]
    public void Ages_Format_AsKubectlPrintsThem(int seconds, string expected) =>
        Assert.Equal(expected, Ages.Format(TimeSpan.FromSeconds(seconds)));
}

using System.Text;
using SingleActive.Core.Metrics;

namespace SingleActive.Core.Tests.Metrics;

public sealed class InfoMetricTests
{
    [Fact]
    public void WriteTo_Labels_OneSampleOfOneWithEscapedValuesInOrder()
    {
        var info = new InfoMetric("x_info", "Facts.", [new("lease", "a\"b"), new("mode", "label")]);
        var output = new StringBuilder();

        info.WriteTo(output);

        Assert.Equal("# HELP x_info Facts.\n# TYPE x_info gauge\nx_info{lease=\"a\\\"b\",mode=\"label\"} 1\n", output.ToString());
    }
}

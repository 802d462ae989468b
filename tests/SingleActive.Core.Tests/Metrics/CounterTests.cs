using System.Text;
using SingleActive.Core.Metrics;

namespace SingleActive.Core.Tests.Metrics;

public sealed class CounterTests
{
    /// <summary>Prometheus counts nothing for a series' first sample: an initialized series is there at 0 before its first increment.</summary>
    [Fact]
    public void Initialize_LabelValues_WritesZeroThenCounts()
    {
        var counter = new Counter("c_total", "h", "result");
        counter.Initialize("error");

        Assert.EndsWith("c_total{result=\"error\"} 0\n", Render(counter));
        counter.Inc("error");
        Assert.EndsWith("c_total{result=\"error\"} 1\n", Render(counter));
        Assert.Equal(1, counter.Value("error"));
    }

    private static string Render(Counter counter)
    {
        var output = new StringBuilder();
        counter.WriteTo(output);
        return output.ToString();
    }
}

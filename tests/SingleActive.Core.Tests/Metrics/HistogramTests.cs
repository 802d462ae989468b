using System.Text;
using SingleActive.Core.Metrics;

namespace SingleActive.Core.Tests.Metrics;

public sealed class HistogramTests
{
    [Fact]
    public void WriteTo_Observations_CumulativeBucketsSumAndCount()
    {
        var histogram = new Histogram("x_seconds", "Latency.", [0.1, 1]);
        histogram.Observe(0.05);
        histogram.Observe(0.1);
        histogram.Observe(0.5);
        histogram.Observe(3);

        var output = new StringBuilder();
        histogram.WriteTo(output);

        Assert.Equal(
            "# HELP x_seconds Latency.\n# TYPE x_seconds histogram\n" +
            "x_seconds_bucket{le=\"0.1\"} 2\nx_seconds_bucket{le=\"1\"} 3\nx_seconds_bucket{le=\"+Inf\"} 4\n" +
            "x_seconds_sum 3.65\nx_seconds_count 4\n",
            output.ToString());
    }

    [Fact]
    public void Observe_ManyThreads_NoObservationLost()
    {
        var histogram = new Histogram("x_seconds", "Latency.", [0.5]);

        Parallel.For(0, 10_000, i => histogram.Observe(i % 2));

        Assert.Equal(10_000, histogram.Count);
        var output = new StringBuilder();
        histogram.WriteTo(output);
        Assert.Contains("x_seconds_bucket{le=\"0.5\"} 5000\n", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("x_seconds_sum 5000\n", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_Steady_AllocatesNothing()
    {
        var histogram = new Histogram("x_seconds", "Latency.", [0.1, 1]);
        histogram.Observe(0.2);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            histogram.Observe(i / 1000.0);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WriteSample_LabelValue_Escaped()
    {
        var output = new StringBuilder();

        PrometheusText.WriteSample(output, "m_total", "op", "a\"b\\c", 2);

        Assert.Equal("m_total{op=\"a\\\"b\\\\c\"} 2\n", output.ToString());
    }
}

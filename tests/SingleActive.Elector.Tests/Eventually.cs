using System.Diagnostics;

namespace SingleActive.Elector.Tests;

/// <summary>Waits in real time for what another thread does (a loop this test does not drive on a fake clock).</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every millisecond; fails the test, naming <paramref name="what"/>, when it does not hold within <paramref name="limit"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < limit, what);
            await Task.Delay(1);
        }
    }
}

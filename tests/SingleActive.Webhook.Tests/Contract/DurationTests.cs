using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Contract;

/// <summary>The Go-style durations of annotations and the elector's environment.</summary>
public class DurationTests
{
    [Theory]
    [InlineData("15s", 15_000)]
    [InlineData("1500ms", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData(" 20 ", 20_000)]
    [InlineData("1.5s", 1_500)]
    public void TryParse_GoStyleOrBareSeconds_TheValue(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    /// <summary>Zero, a day or more, no unit known, and numbers no TimeSpan holds (they threw OverflowException) are no annotation duration.</summary>
    [Theory]
    [InlineData("0s")]
    [InlineData("24h")]
    [InlineData("15x")]
    [InlineData("s")]
    [InlineData("99999999999999999999")]
    [InlineData("99999999999999999999h")]
    [InlineData("2562047h2562047h")]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("∞")]
    public void TryParse_NoAnnotationDuration_False(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("48h", 48 * 3600)]
    public void TryParseAnyLength_ZeroAndDays_TheValue(string text, long seconds)
    {
        Assert.True(Duration.TryParseAnyLength(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    /// <summary>Each part fits a TimeSpan, their sum does not; and what no double-to-TimeSpan conversion takes (it threw ArgumentException).</summary>
    [Theory]
    [InlineData("200000000h200000000h")]
    [InlineData("99999999999999999999h")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void TryParseAnyLength_NoTimeSpanHoldsIt_False(string text) => Assert.False(Duration.TryParseAnyLength(text, out _));
}

using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public sealed class ResourceQuantitiesTests
{
    [Theory]
    [InlineData("10m", true, 0.01)]
    [InlineData("24Mi", true, 25165824)]
    [InlineData("0.5", true, 0.5)]
    [InlineData("48 Mi", false, 0)]
    [InlineData("-1", false, 0)]
    [InlineData(null, false, 0)]
    public void TryGetValue_SameRulesAsTryParse_AndRemembered(string? text, bool valid, double expected)
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(valid, ResourceQuantities.TryGetValue(text, out var value));
            Assert.Equal((decimal)expected, value);
            Assert.Equal(valid, ResourceQuantities.TryParse(text, out _));
        }
    }

    [Fact]
    public void TryGetValue_ManyTexts_StaysCorrectPastTheMemoBound()
    {
        for (var i = 0; i < ResourceQuantities.MemoCapacity + 10; i++)
        {
            Assert.True(ResourceQuantities.TryGetValue(i + "m", out var value));
            Assert.Equal(i / 1000m, value);
        }
    }
}

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
    public void IsValidAndValueOf_SameRulesAsTryParse_AndRemembered(string? text, bool valid, double expected)
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(valid, ResourceQuantities.IsValid(text));
            Assert.Equal(valid, ResourceQuantities.TryParse(text, out _));
            if (valid)
            {
                Assert.Equal((decimal)expected, ResourceQuantities.ValueOf(text!));
            }
        }
    }

    [Fact]
    public void ValueOf_BeyondDecimal_ThrowsAsToDecimalDoes()
    {
        // Valid by the grammar (an override is accepted); only comparing it with a limit needs its value.
        Assert.True(ResourceQuantities.IsValid("1E30"));
        Assert.Throws<OverflowException>(() => ResourceQuantities.ValueOf("1E30"));
    }

    [Fact]
    public void IsValid_ManyAndLongTexts_StaysCorrectPastTheMemoBound()
    {
        for (var i = 0; i < ResourceQuantities.MemoCapacity + 10; i++)
        {
            Assert.True(ResourceQuantities.IsValid(i + "m"));
            Assert.Equal(i / 1000m, ResourceQuantities.ValueOf(i + "m"));
        }

        Assert.False(ResourceQuantities.IsValid(new string('1', 100) + "x"));
    }
}

using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public class LeaseNamesTests
{
    [Theory]
    [InlineData("checkout", true)]
    [InlineData("orders.primary", true)]
    [InlineData("a", true)]
    [InlineData("0-9", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("Checkout", false)]
    [InlineData("-checkout", false)]
    [InlineData("checkout-", false)]
    [InlineData("a..b", false)]
    [InlineData(".a", false)]
    [InlineData("a_b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void IsDnsSubdomain_Name_FollowsRfc1123(string? name, bool expected) =>
        Assert.Equal(expected, LeaseNames.IsDnsSubdomain(name));

    [Fact]
    public void IsDnsSubdomain_Length_AtMost253()
    {
        Assert.True(LeaseNames.IsDnsSubdomain(new string('a', 253)));
        Assert.False(LeaseNames.IsDnsSubdomain(new string('a', 254)));
    }
}

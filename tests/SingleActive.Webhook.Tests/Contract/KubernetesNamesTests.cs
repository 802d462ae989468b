using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Contract;

/// <summary>The one name rule the webhook, the plugin and the elector share.</summary>
public class KubernetesNamesTests
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
    [InlineData("a.", false)]
    [InlineData("checkout\n", false)]
    [InlineData("a-.b", false)]
    [InlineData("a.-b", false)]
    [InlineData("a.b-c.d", true)]
    public void IsDnsSubdomain_Name_FollowsRfc1123(string? name, bool expected) =>
        Assert.Equal(expected, KubernetesNames.IsDnsSubdomain(name));

    [Fact]
    public void IsDnsSubdomain_Length_AtMost253()
    {
        Assert.True(KubernetesNames.IsDnsSubdomain(new string('a', 253)));
        Assert.False(KubernetesNames.IsDnsSubdomain(new string('a', 254)));
    }
}

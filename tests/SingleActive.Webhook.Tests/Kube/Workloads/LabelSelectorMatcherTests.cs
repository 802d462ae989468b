using k8s;
using k8s.Models;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

public class LabelSelectorMatcherTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front" };

    [Theory]
    [InlineData("{}", true)]
    [InlineData("""{"matchLabels":{"app":"web"}}""", true)]
    [InlineData("""{"matchLabels":{"app":"web","tier":"back"}}""", false)]
    [InlineData("""{"matchLabels":{"zone":"a"}}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"In","values":["front","middle"]}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["front"]}]}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"zone","operator":"NotIn","values":["a"]}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"Exists"}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"DoesNotExist"}]}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"app","operator":"Sometimes"}]}""", false)]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"zone","operator":"Exists"}]}""", false)]
    public void Matches_Selector_AsTheApiServer(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelectorMatcher.Matches(KubernetesJson.Deserialize<V1LabelSelector>(selector), Labels));
    }

    [Fact]
    public void Matches_NullSelector_MatchesNothing()
    {
        Assert.False(LabelSelectorMatcher.Matches(null, Labels));
    }

    [Fact]
    public void MatchesAll_EqualityPairs_EveryPairAmongTheLabels()
    {
        Assert.True(LabelSelectorMatcher.MatchesAll(new Dictionary<string, string> { ["app"] = "web" }, Labels));
        Assert.False(LabelSelectorMatcher.MatchesAll(new Dictionary<string, string> { ["app"] = "web", ["zone"] = "a" }, Labels));
        Assert.False(LabelSelectorMatcher.MatchesAll(new Dictionary<string, string> { ["app"] = "web" }, null));
        Assert.True(LabelSelectorMatcher.MatchesAll([], null));
    }
}

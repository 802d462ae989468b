using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Contract;

/// <summary>The drain-taint list both binaries read (Contract): what parses, how it is normalized, what each problem says.</summary>
public class DrainTaintListTests
{
    [Fact]
    public void Parse_Default_GivesTheFourTaints()
    {
        var taints = DrainTaintList.Parse(DrainTaints.Default, out var problems);

        Assert.Empty(problems);
        Assert.Equal(
            [
                new DrainTaint("node.kubernetes.io/unschedulable", null),
                new DrainTaint("ToBeDeletedByClusterAutoscaler", null),
                new DrainTaint("karpenter.sh/disrupted", null),
                new DrainTaint("karpenter.sh/disruption", "disrupting"),
            ],
            taints);
        Assert.Equal(DrainTaints.Default, DrainTaintList.Format(taints!));
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData(" a , b=c ", "a,b=c")]
    [InlineData("a,a,a=x,a=x", "a,a=x")]
    [InlineData("example.com/retiring=Soon_1.2-x", "example.com/retiring=Soon_1.2-x")]
    [InlineData("x_y.z-1", "x_y.z-1")]
    public void Parse_ValidList_Normalizes(string text, string expected)
    {
        var taints = DrainTaintList.Parse(text, out var problems);

        Assert.Empty(problems);
        Assert.Equal(expected, DrainTaintList.Format(taints!));
    }

    [Theory]
    [InlineData("", "the list is empty")]
    [InlineData("  ", "the list is empty")]
    [InlineData("a,", "entry 2 is empty")]
    [InlineData(",a", "entry 1 is empty")]
    [InlineData("a, ,b", "entry 2 is empty")]
    [InlineData("-a", "\"-a\": \"-a\" is not a valid taint key")]
    [InlineData("a b", "\"a b\": \"a b\" is not a valid taint key")]
    [InlineData("Example.com/a", "\"Example.com/a\": \"Example.com/a\" is not a valid taint key")]
    [InlineData("/a", "\"/a\": \"/a\" is not a valid taint key")]
    [InlineData("example.com/", "\"example.com/\": \"example.com/\" is not a valid taint key")]
    [InlineData("a/b/c", "\"a/b/c\": \"a/b/c\" is not a valid taint key")]
    [InlineData("a=", "\"a=\": the value after '=' is empty")]
    [InlineData("a=b=c", "\"a=b=c\": \"b=c\" is not a valid taint value")]
    [InlineData("a=x.", "\"a=x.\": \"x.\" is not a valid taint value")]
    public void Parse_BadEntry_NamesIt(string text, string expected)
    {
        Assert.Null(DrainTaintList.Parse(text, out var problems));

        Assert.Equal([expected], problems);
    }

    [Fact]
    public void Parse_SeveralBadEntries_NamesEach()
    {
        Assert.Null(DrainTaintList.Parse("ok,,bad key,k=", out var problems));

        Assert.Equal(["entry 2 is empty", "\"bad key\": \"bad key\" is not a valid taint key", "\"k=\": the value after '=' is empty"], problems);
    }

    [Fact]
    public void Parse_Lengths_FollowKubernetesLimits()
    {
        var name63 = new string('a', 63);
        var prefix253 = string.Join('.', Enumerable.Repeat(new string('p', 63), 4)).Substring(0, 253);

        Assert.NotNull(DrainTaintList.Parse($"{prefix253}/{name63}={name63}", out _));
        Assert.Null(DrainTaintList.Parse(name63 + "a", out _));
        Assert.Null(DrainTaintList.Parse($"{prefix253}p/a", out _));
        Assert.Null(DrainTaintList.Parse($"a={name63}a", out _));
    }

    [Theory]
    [InlineData("karpenter.sh/disruption", "disrupting", true)]
    [InlineData("karpenter.sh/disruption", "other", false)]
    [InlineData("karpenter.sh/disruption", null, false)]
    [InlineData("node.kubernetes.io/unschedulable", null, true)]
    [InlineData("node.kubernetes.io/unschedulable", "", true)]
    [InlineData("node.kubernetes.io/unschedulable", "any", true)]
    [InlineData("node.kubernetes.io/Unschedulable", null, false)]
    public void Matches_KeyAndOptionalValue(string key, string? value, bool expected)
    {
        var taints = DrainTaintList.Parse(DrainTaints.Default, out _)!;

        Assert.Equal(expected, taints.Any(t => t.Matches(key, value)));
    }
}

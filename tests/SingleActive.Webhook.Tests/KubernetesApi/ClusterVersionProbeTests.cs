using SingleActive.Webhook.KubernetesApi;

namespace SingleActive.Webhook.Tests.KubernetesApi;

public sealed class ClusterVersionProbeTests
{
    [Theory]
    [InlineData("1", "20", "v1.20.2", "1.20.2")]
    [InlineData("1", "29+", "v1.29.3-gke.1200", "1.29.3")]
    [InlineData("", "", "v1.31.0", "1.31.0")]
    [InlineData(null, null, null, null)]
    [InlineData("x", "y", "garbage", null)]
    public void Parse_VersionInfo_ReadsNumbers(string? major, string? minor, string? gitVersion, string? expected) =>
        Assert.Equal(expected is null ? null : Version.Parse(expected), ClusterVersionProbe.Parse(major, minor, gitVersion));

    [Theory]
    [InlineData(new[] { "v1.30.2", "v1.28.9-eks-036c24b", "v1.29.0" }, "1.28.9")]
    [InlineData(new[] { "v1.31.1+k3s1" }, "1.31.1")]
    [InlineData(new[] { "garbage", "" }, null)]
    [InlineData(new string[0], null)]
    public void Oldest_KubeletVersions_TheOldestThatParses(string[] kubelets, string? expected) =>
        Assert.Equal(expected is null ? null : Version.Parse(expected), ClusterVersionProbe.Oldest(kubelets));
}

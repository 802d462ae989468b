using SingleActive.Core.Kubeconfig;
using SingleActive.Core.Tests.Kubeconfig;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kubectl.CommandLine;

namespace SingleActive.Kubectl.Tests.CommandLine;

public sealed class PluginContextTests
{
    [Fact]
    public void Connect_MultiFileKubeconfig_SameServerContextAndCredentialsAsTheElector()
    {
        using var fixture = new MultiFileKubeconfig();

        var (config, files) = ClusterConnection.FromKubeconfig(null, fixture.Environment, null, KubeconfigFiles.HomeConfig.Read)!.Value;
        using var connection = PluginContext.Connect(null, null, fixture.Environment);

        Assert.Equal(MultiFileKubeconfig.ExpectedContext, config.CurrentContext);
        Assert.Equal(new Uri(MultiFileKubeconfig.ExpectedServer), new Uri(config.Host));
        Assert.Equal(MultiFileKubeconfig.ExpectedToken, config.AccessToken);
        Assert.Equal(MultiFileKubeconfig.ExpectedNamespace, connection.DefaultNamespace);
        Assert.Equal(new Uri(MultiFileKubeconfig.ExpectedServer), connection.Client!.BaseUri);
        Assert.DoesNotContain("missing.yaml", files, StringComparison.Ordinal);
    }
}

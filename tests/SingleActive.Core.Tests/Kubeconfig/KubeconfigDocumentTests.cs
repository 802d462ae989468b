using SingleActive.Core.Kubeconfig;

namespace SingleActive.Core.Tests.Kubeconfig;

public sealed class KubeconfigDocumentTests
{
    [Fact]
    public void Select_MultiFileKubeconfig_FirstFileWinsEachNameAndCurrentContext()
    {
        using var fixture = new MultiFileKubeconfig();

        var chosen = KubeconfigDocument.Load(KubeconfigFiles.Resolve(null, fixture.Environment, KubeconfigFiles.HomeConfig.Ignore)).Select();

        Assert.Equal(MultiFileKubeconfig.ExpectedContext, chosen.ContextName);
        Assert.Equal(new Uri(MultiFileKubeconfig.ExpectedServer), chosen.Server);
        Assert.Equal(MultiFileKubeconfig.ExpectedToken, chosen.User?["token"]);
        Assert.Equal(MultiFileKubeconfig.ExpectedNamespace, chosen.Namespace);
        Assert.EndsWith(Path.Combine("b", "config"), chosen.User!.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_ContextOverride_TakesThatContext()
    {
        using var fixture = new MultiFileKubeconfig();

        var chosen = KubeconfigDocument.Load(KubeconfigFiles.Resolve(null, fixture.Environment, KubeconfigFiles.HomeConfig.Ignore)).Select("prod");

        Assert.Equal(new Uri("https://10.8.8.8:6443"), chosen.Server);
        Assert.Equal("token-of-bob", chosen.User?["token"]);
    }

    [Fact]
    public void Select_UnknownContext_SaysWhichOne()
    {
        var document = KubeconfigDocument.Merge([Parse("current-context: missing\ncontexts: []\n")]);

        var error = Assert.Throws<InvalidOperationException>(() => document.Select());

        Assert.Contains("context 'missing' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NoCurrentContext_SaysSo()
    {
        var document = KubeconfigDocument.Merge([Parse("clusters: []\n")]);

        var error = Assert.Throws<InvalidOperationException>(() => document.Select());

        Assert.Contains("has no current-context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathOf_RelativePath_IsRelativeToTheFileThatNamedIt()
    {
        var file = KubeconfigParser.Parse("/etc/kube/b/config", new StringReader("""
            clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: ca.crt}}]
            users: [{name: u, user: {exec: {command: gcloud}}}]
            """));

        Assert.Equal("/etc/kube/b/ca.crt", file.Clusters[0].PathOf("certificate-authority"));
        Assert.Contains("exec", file.Users[0].Sections);
    }

    [Theory]
    [InlineData("clusters: [{name: a\ncontexts: []\n", "/tmp/kubeconfig is not valid YAML: the parser cannot go on; a '{' or '[' left unclosed")]
    [InlineData("clusters:\n- name: a\n - name: b\n", "/tmp/kubeconfig is not valid YAML (line 3)")]
    public void Parse_Malformed_NamesTheFile(string yaml, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Parse(yaml));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static KubeconfigFile Parse(string yaml) => KubeconfigParser.Parse("/tmp/kubeconfig", new StringReader(yaml));
}

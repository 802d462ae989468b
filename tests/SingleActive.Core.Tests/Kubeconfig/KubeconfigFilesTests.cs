using SingleActive.Core.Kubeconfig;

namespace SingleActive.Core.Tests.Kubeconfig;

public sealed class KubeconfigFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("sa-kubeconfig-files-").FullName;

    [Fact]
    public void Resolve_ExplicitFile_WinsOverTheVariable()
    {
        var flag = Touch("flag.yaml");
        var env = Touch("env.yaml");

        Assert.Equal([flag], KubeconfigFiles.Resolve(flag, name => name == "KUBECONFIG" ? env : null, KubeconfigFiles.HomeConfig.Read));
    }

    [Fact]
    public void Resolve_ExplicitFileMissing_FailsNamingIt()
    {
        var missing = Path.Combine(directory, "nope.yaml");

        var error = Assert.Throws<InvalidOperationException>(() => KubeconfigFiles.Resolve(missing, _ => null, KubeconfigFiles.HomeConfig.Read));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_VariableList_KeepsOrderSkipsEmptyMissingAndRepeatedEntries()
    {
        var a = Touch("a.yaml");
        var b = Touch("b.yaml");
        var list = string.Join(Path.PathSeparator, "", a, Path.Combine(directory, "missing.yaml"), "", b, a);

        Assert.Equal([a, b], KubeconfigFiles.Resolve(null, name => name == "KUBECONFIG" ? list : null, KubeconfigFiles.HomeConfig.Read));
    }

    [Fact]
    public void Resolve_VariableNamesNoExistingFile_FailsInsteadOfFallingBack()
    {
        // Stricter than kubectl (which goes on with an empty configuration): the variable is a mistake to report.
        var error = Assert.Throws<InvalidOperationException>(() =>
            KubeconfigFiles.Resolve(null, name => name == "KUBECONFIG" ? "/nonexistent/a:/nonexistent/b" : null, KubeconfigFiles.HomeConfig.Read));

        Assert.Contains("/nonexistent/a:/nonexistent/b", error.Message, StringComparison.Ordinal);
        Assert.Contains("none of its files exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoVariable_UsesHomeKubeConfigWhenItExists()
    {
        Directory.CreateDirectory(Path.Combine(directory, ".kube"));
        var home = Touch(Path.Combine(".kube", "config"));

        Assert.Equal([home], KubeconfigFiles.Resolve(null, name => name == "HOME" ? directory : null, KubeconfigFiles.HomeConfig.Read));
    }

    [Fact]
    public void Resolve_ServerWithHomeKubeConfig_IgnoresIt()
    {
        Directory.CreateDirectory(Path.Combine(directory, ".kube"));
        Touch(Path.Combine(".kube", "config"));

        Assert.Empty(KubeconfigFiles.Resolve(null, name => name == "HOME" ? directory : null, KubeconfigFiles.HomeConfig.Ignore));
    }

    [Fact]
    public void Resolve_FlagWithAList_UsesEveryFileInOrder()
    {
        var a = Touch("a");
        var b = Touch("b");

        Assert.Equal([b, a], KubeconfigFiles.Resolve($"{b}:{a}", _ => null, KubeconfigFiles.HomeConfig.Ignore));
    }

    [Fact]
    public void Resolve_NothingConfigured_IsEmptySoTheCallerUsesInClusterConfig() =>
        Assert.Empty(KubeconfigFiles.Resolve(null, name => name == "HOME" ? directory : null, KubeconfigFiles.HomeConfig.Read));

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Touch(string name)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "apiVersion: v1\n");
        return path;
    }
}

using SingleActive.Contract;

namespace SingleActive.Elector.Tests;

public sealed class ElectorHostTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void AsksForHelp_HelpFlag_True(string flag) => Assert.True(ElectorHost.AsksForHelp([flag]));

    [Fact]
    public void AsksForHelp_NoneOrOtherArguments_False()
    {
        // The elector never took arguments and ignored any (a webhook's Injector:Command may carry some): it still does.
        Assert.False(ElectorHost.AsksForHelp([]));
        Assert.False(ElectorHost.AsksForHelp(["--verbose"]));
        Assert.False(ElectorHost.AsksForHelp(["--help", "extra"]));
    }

    [Fact]
    public void Usage_NamesTheRequiredVariablesTheDocsAndEveryExitCode()
    {
        foreach (var text in new[] { ElectorEnv.PodName, ElectorEnv.LeaseName, ElectorEnv.PodNamespace, "docs/elector.md" })
        {
            Assert.Contains(text, ElectorHost.Usage, StringComparison.Ordinal);
        }

        foreach (var code in new[] { ElectorHost.ExitInvalidConfiguration, ElectorHost.ExitNoCluster, ElectorHost.ExitCannotListen, ElectorHost.ExitFailed })
        {
            Assert.Contains($"{code} ", ElectorHost.Usage, StringComparison.Ordinal);
        }
    }
}

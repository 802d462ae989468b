using SingleActive.Kubectl.CommandLine;

namespace SingleActive.Kubectl.Tests.CommandLine;

public sealed class PluginCommandsTests
{
    [Theory]
    [InlineData(new[] { "handover" }, ExitCodes.Usage, "error: Required argument missing for command: 'handover'.")]
    [InlineData(new[] { "status", "-o", "xml" }, ExitCodes.Usage, "error: unknown output format \"xml\": use wide, json or yaml")]
    [InlineData(new[] { "handover", "web", "--timeout", "soon" }, ExitCodes.Usage, "error: --timeout: \"soon\" is not a duration such as 30s or 1m")]
    [InlineData(new[] { "status", "--kubeconfig", "/nonexistent/kubeconfig" }, ExitCodes.Failed, "error: cannot use kubeconfig \"/nonexistent/kubeconfig\"")]
    [InlineData(new[] { "status" }, ExitCodes.Failed, "error: no Kubernetes configuration: set KUBECONFIG, pass --kubeconfig, or run in a pod")]
    public async Task RunAsync_BadUseOrNoCluster_ErrorOnStderrAndItsExitCode(string[] args, int exitCode, string error)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var commands = new PluginCommands(stdout, stderr, _ => null, TimeProvider.System);

        var exit = await commands.RunAsync(args);

        Assert.Equal(exitCode, exit);
        Assert.StartsWith(error, stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }
}

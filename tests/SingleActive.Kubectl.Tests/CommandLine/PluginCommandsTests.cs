using SingleActive.Kubectl.CommandLine;

namespace SingleActive.Kubectl.Tests.CommandLine;

public sealed class PluginCommandsTests
{
    [Theory]
    [InlineData(new[] { "handover" }, ExitCodes.Usage, "error: Required argument missing for command: 'handover'.")]
    [InlineData(new[] { "status", "-o", "xml" }, ExitCodes.Usage, "error: unknown output format \"xml\": use wide, json or yaml")]
    [InlineData(new[] { "handover", "web", "--timeout", "soon" }, ExitCodes.Usage, "error: --timeout: \"soon\" is not a duration such as 30s, 1m or 00:00:30")]
    [InlineData(new[] { "handover", "web", "--timeout", "00:00:30" }, ExitCodes.Failed, "error: no Kubernetes configuration")]
    [InlineData(new[] { "handover", "web", "--timeout", "10:00" }, ExitCodes.Usage, "error: --timeout: \"10:00\" is not a duration")]
    [InlineData(new[] { "handover", "web", "--timeout", "30" }, ExitCodes.Failed, "error: no Kubernetes configuration")]
    [InlineData(new[] { "pause", "web", "--timeout", "5s" }, ExitCodes.Failed, "error: no Kubernetes configuration")]
    [InlineData(new[] { "status", "--kubeconfig", "/nonexistent/kubeconfig" }, ExitCodes.Failed, "error: cannot use kubeconfig \"/nonexistent/kubeconfig\"")]
    [InlineData(new[] { "status" }, ExitCodes.Failed, "error: no Kubernetes configuration: set KUBECONFIG, pass --kubeconfig, or run in a pod")]
    [InlineData(new[] { "handover", "job/nightly" }, ExitCodes.Usage, "error: \"job/nightly\": only Deployments and StatefulSets are single-active workloads (deployment/NAME, statefulset/NAME)")]
    [InlineData(new[] { "status", "deployment/" }, ExitCodes.Usage, "error: \"deployment/\": the workload has no name")]
    [InlineData(new[] { "pause", "web", "-A" }, ExitCodes.Usage, "error: a WORKLOAD needs a namespace: drop -A")]
    [InlineData(new[] { "status", "--all-namespace" }, ExitCodes.Usage, "error: unknown option \"--all-namespace\" (see --help)")]
    [InlineData(new[] { "handover", "--bogus" }, ExitCodes.Usage, "error: unknown option \"--bogus\" (see --help)")]
    [InlineData(new[] { "status", "web", "--all-namespaces" }, ExitCodes.Usage, "error: a WORKLOAD needs a namespace: drop -A")]
    [InlineData(new[] { "status", "-A" }, ExitCodes.Failed, "error: no Kubernetes configuration")]
    [InlineData(new[] { "handover", "web", "--cancel", "--to", "web-1" }, ExitCodes.Usage, "error: --cancel withdraws a request and waits for nothing: drop --to and --timeout")]
    [InlineData(new[] { "handover", "web", "--cancel", "--timeout", "5s" }, ExitCodes.Usage, "error: --cancel withdraws a request and waits for nothing: drop --to and --timeout")]
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

    [Fact]
    public async Task RunAsync_ApiServerRefusesConnections_NamesTheServerAndWhatToCheck()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            current-context: dev
            contexts: [{name: dev, context: {cluster: dev, user: dev}}]
            clusters: [{name: dev, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
            users: [{name: dev, user: {token: t}}]
            """);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        try
        {
            var exit = await new PluginCommands(stdout, stderr, _ => null, TimeProvider.System).RunAsync(["status", "--kubeconfig", kubeconfig]);

            Assert.Equal(ExitCodes.Failed, exit);
            Assert.StartsWith($"error: cannot reach the API server, kubeconfig {kubeconfig} (server https://127.0.0.1:1", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains("Connection refused", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains("Check that the cluster is up and that it is the one you meant (--context, --kubeconfig;", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    /// <summary>The default the help shows is what the command waits, and a value of the form shown is accepted (the row above).</summary>
    [Theory]
    [InlineData("handover", "00:00:30")]
    [InlineData("pause", "00:00:10")]
    [InlineData("resume", "00:00:10")]
    public async Task Help_Timeout_ShowsTheCommandsOwnDefault(string command, string shown)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await new PluginCommands(stdout, stderr, _ => null, TimeProvider.System).RunAsync([command, "--help"]);

        Assert.Equal(ExitCodes.Ok, exit);
        var line = Assert.Single(stdout.ToString().Split('\n'), l => l.Contains("--timeout", StringComparison.Ordinal));
        Assert.Contains($"[default: {shown}]", line, StringComparison.Ordinal);
    }
}

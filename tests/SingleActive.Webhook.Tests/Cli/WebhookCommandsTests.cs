using SingleActive.Webhook.Cli;

namespace SingleActive.Webhook.Tests.Cli;

/// <summary>What every subcommand shares: help, usage errors and their exit codes, repeated flags.</summary>
public class WebhookCommandsTests
{
    [Theory]
    [InlineData("inject", "--help")]
    [InlineData("inject", "-h")]
    [InlineData("certs", "--help")]
    [InlineData("certs", "-h")]
    public void Run_Help_Exit0WithUsageOnStdout(string command, string flag)
    {
        var (exit, stdout, stderr) = Run(command, flag);

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Contains($"Usage:\n  single-active-webhook {command} [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("-h, --help", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inject", "--colour", "Unrecognized command or argument '--colour'.")]
    [InlineData("inject", "stray", "Unrecognized command or argument 'stray'.")]
    [InlineData("inject", "--namespace", "Required argument missing for option: '--namespace'.")]
    [InlineData("certs", "--colour", "Unrecognized command or argument '--colour'.")]
    [InlineData("certs", "--days", "Required argument missing for option: '--days'.")]
    public void Run_UsageError_Exit2WithTheProblemThenTheUsageOnStderr(string command, string extra, string problem)
    {
        string[] valid = command == "inject" ? ["-f", "-"] : ["--out", "unused", "--dns", "localhost"];

        var (exit, stdout, stderr) = Run([command, .. valid, extra]);

        Assert.Equal((2, ""), (exit, stdout));
        Assert.StartsWith($"single-active-webhook {command}: {problem}\n\n", stderr, StringComparison.Ordinal);
        Assert.Contains($"Usage:\n  single-active-webhook {command} [options]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InjectFlagGivenTwice_LastOneCounts()
    {
        var (exit, stdout, stderr) = Run(["inject", "-f", "-", "--image", "first", "--image", "ghcr.io/example/single-active:1.0", "--mode", "label", "--mode", "readiness"],
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, annotations: {single-active: \"true\"}}\nspec: {containers: [{name: app, image: nginx}]}\n");

        Assert.True(exit == 0, stderr);
        Assert.Contains("image: ghcr.io/example/single-active:1.0", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("first", stdout, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"readiness\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AtSign_IsAFileNameNotAResponseFile()
    {
        var (exit, _, stderr) = Run("inject", "-f", "@missing.yaml");

        Assert.Equal(1, exit);
        Assert.Contains("cannot read \"@missing.yaml\"", stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args) => Run(args, "");

    private static (int Exit, string Stdout, string Stderr) Run(string[] args, string input)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = new WebhookCommands(stdin, stdout, stderr).Run(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}

using SingleActive.Webhook.Cli;
using SingleActive.Webhook.Tests.Golden;

namespace SingleActive.Webhook.Tests.Cli;

/// <summary>
/// The whole output of <c>inject</c> for a realistic manifest, as a reviewable golden file
/// (<c>testdata/inject/*.yaml</c> → <c>testdata/golden/inject/*.yaml</c>; UPDATE_GOLDEN=1 rewrites).
/// </summary>
public class InjectGoldenTests
{
    [Theory]
    [InlineData("shop")]
    public void Run_Manifest_MatchesGoldenAndReinjectsUnchanged(string name)
    {
        var input = File.ReadAllText(Path.Combine(TestData.Directory, "inject", name + ".yaml"));
        var golden = Path.Combine(TestData.Directory, "golden", "inject", name + ".yaml");

        var (exit, output, warnings) = Run(input);

        Assert.True(exit == 0, warnings);
        var actual = output + "# stderr:\n" + string.Concat(warnings.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "# " + l + "\n"));
        if (TestData.UpdateGolden)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.WriteAllText(golden, actual);
        }

        Assert.True(File.Exists(golden), $"{golden} is missing; run with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));

        var (again, second, _) = Run(output);
        Assert.Equal((0, output), (again, second));
    }

    private static (int Exit, string Stdout, string Stderr) Run(string input)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = InjectCommand.Run(["inject", "-f", "-", "--image", GoldenServers.Image], stdin, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}

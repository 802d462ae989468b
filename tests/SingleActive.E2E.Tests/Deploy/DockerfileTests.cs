using System.Text.RegularExpressions;
using System.Xml.Linq;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// No Docker engine runs here, so the Dockerfile is held to what CI does prove: it publishes with
/// webhook/publish.sh (which tests/run.sh runs), and it puts the two binaries that script produces
/// where the webhook's rendered sidecar and deploy/ expect them.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string DockerfilePath = Path.Combine(RepositoryPaths.Root, "Dockerfile");

    [Fact]
    public void BuildStage_Publish_RunsTheSharedPublishScript()
    {
        var build = Stages().Single(s => s.Name == "build");

        var run = Assert.Single(build.Instructions, i => i.StartsWith("RUN ", StringComparison.Ordinal) && i.Contains("webhook/publish.sh", StringComparison.Ordinal));
        Assert.Matches(@"webhook/publish\.sh /out\b", run);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", build.From, StringComparison.Ordinal);
        // Nothing else compiles or publishes: the script is the single definition of the build.
        Assert.DoesNotContain(build.Instructions, i => i.Contains("dotnet publish", StringComparison.Ordinal) || i.Contains("dotnet build", StringComparison.Ordinal));
    }

    [Fact]
    public void FinalStage_Binaries_AtTheFixedPathsUnderTheProjectsAssemblyNames()
    {
        var final = Stages()[^1];
        var copies = final.Instructions.Where(i => i.StartsWith("COPY ", StringComparison.Ordinal))
            .Select(i => CopyFromBuild().Match(i))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["to"].Value, m => m.Groups["from"].Value);

        // The names publish.sh produces are the projects' AssemblyNames.
        var webhook = AssemblyName("SingleActive.Webhook");
        var elector = AssemblyName("SingleActive.Elector");
        var plugin = AssemblyName("SingleActive.Kubectl");
        Assert.Equal("single-active-webhook", webhook);
        Assert.Equal("single-active-elector", elector);
        Assert.Equal("kubectl-single_active", plugin);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["/usr/local/bin/single-active-webhook"] = $"/out/{webhook}",
                ["/usr/local/bin/single-active-elector"] = $"/out/{elector}",
                ["/usr/local/bin/kubectl-single_active"] = $"/out/{plugin}",
            },
            copies);
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/single-active-webhook\"]", final.Instructions);
        Assert.Contains("USER 65532:65532", final.Instructions);
        Assert.Contains("runtime-deps:10.0", final.From, StringComparison.Ordinal);
        Assert.Contains("chiseled", final.From, StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_ElectorPath_IsTheInjectorsDefaultCommand()
    {
        // The rendered sidecar runs this path in the webhook's own image.
        var injectorOptions = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "webhook", "SingleActive.Webhook", "Injection", "InjectorOptions.cs"));

        Assert.Contains("DefaultCommand = \"/usr/local/bin/single-active-elector\"", injectorOptions, StringComparison.Ordinal);
        Assert.Contains(Stages()[^1].Instructions, i => i.EndsWith(" /usr/local/bin/single-active-elector", StringComparison.Ordinal));
    }

    [Fact]
    public void DockerIgnore_Context_KeepsWhatTheBuildCopiesAndDropsBuildOutput()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal("*", lines[0]);
        foreach (var kept in new[] { "!global.json", "!nuget.config", "!Directory.Build.props", "!Directory.Packages.props", "!webhook/" })
        {
            Assert.Contains(kept, lines);
        }

        Assert.Contains("**/obj/", lines);
        Assert.Contains("**/bin/", lines);
    }

    private static string AssemblyName(string project) =>
        XDocument.Load(Path.Combine(RepositoryPaths.Root, "webhook", project, project + ".csproj"))
            .Descendants("AssemblyName").Single().Value;

    /// <summary>Instructions per stage, continuation lines joined, comments dropped.</summary>
    private static List<(string? Name, string From, List<string> Instructions)> Stages()
    {
        var instructions = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(DockerfilePath))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            current = current.Length == 0 ? line : current + " " + line;
            if (current.EndsWith('\\'))
            {
                current = current[..^1].TrimEnd();
                continue;
            }

            if (current.Length > 0)
            {
                instructions.Add(Regex.Replace(current, @"\s+", " "));
            }

            current = "";
        }

        var stages = new List<(string? Name, string From, List<string> Instructions)>();
        foreach (var instruction in instructions)
        {
            if (instruction.StartsWith("FROM ", StringComparison.Ordinal))
            {
                var name = Regex.Match(instruction, @"\bAS (\S+)$", RegexOptions.IgnoreCase);
                stages.Add((name.Success ? name.Groups[1].Value : null, instruction, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return stages;
    }

    [GeneratedRegex(@"^COPY --from=build (?<from>\S+) (?<to>\S+)$")]
    private static partial Regex CopyFromBuild();
}

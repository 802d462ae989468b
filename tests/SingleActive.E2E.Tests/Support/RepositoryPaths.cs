namespace SingleActive.E2E.Tests.Support;

/// <summary>Where the repository, its scripts and the published binaries are.</summary>
public static class RepositoryPaths
{
    public const string PublishDirVariable = "SINGLE_ACTIVE_PUBLISH_DIR";
    public const string WebhookBinary = "single-active-webhook";
    public const string ElectorBinary = "single-active-elector";

    public static string Root { get; } = FindRoot();

    public static string ControlPlaneScript => Path.Combine(Root, "tests", "envtest", "control-plane.sh");

    public static string BuildControlPlaneScript => Path.Combine(Root, "tests", "envtest", "build-control-plane.sh");

    /// <summary>Output shared with the benchmarks: timelines and logs of the last e2e run.</summary>
    public static string E2EArtifacts => Path.Combine(Root, "artifacts", "e2e");

    public static string DeployLocalOverlay => Path.Combine(Root, "deploy", "overlays", "local");

    public static string PublishDir =>
        Environment.GetEnvironmentVariable(PublishDirVariable) is { Length: > 0 } dir ? dir : Path.Combine(Root, "artifacts", "publish");

    /// <summary>A published NativeAOT binary, or a message that says how to produce it.</summary>
    public static string PublishedBinary(string name)
    {
        var path = Path.Combine(PublishDir, name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} does not exist. Publish the binaries first: webhook/publish.sh artifacts/publish " +
                $"(and set {PublishDirVariable}=<that directory> if it is elsewhere); tests/run.sh does both.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Webhook.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Webhook.sln above {AppContext.BaseDirectory}");
    }
}

using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.ControlPlane;

/// <summary>Where the control-plane binaries come from, and where a run's logs are kept afterwards.</summary>
internal static class ControlPlaneFiles
{
    public const string ControlPlaneBinVariable = "SINGLE_ACTIVE_CONTROL_PLANE_BIN";

    /// <summary>Control-plane and process logs are kept under artifacts/e2e/logs for the post-mortem of a red run.</summary>
    public static string? CopyLogs(string directory)
    {
        var target = Path.Combine(RepositoryPaths.E2EArtifacts, "logs");
        try
        {
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            foreach (var sub in new[] { "logs", "kubelet", "webhook" })
            {
                var source = Path.Combine(directory, sub);
                if (Directory.Exists(source))
                {
                    foreach (var file in Directory.EnumerateFiles(source, "*.log", SearchOption.AllDirectories))
                    {
                        var destination = Path.Combine(target, sub, Path.GetRelativePath(source, file));
                        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                        File.Copy(file, destination, overwrite: true);
                    }
                }
            }
        }
        catch (IOException exception)
        {
            return $"could not copy logs to {target}: {exception.Message}";
        }

        return null;
    }

    public static async Task<string> ResolveBinariesAsync()
    {
        if (Environment.GetEnvironmentVariable(ControlPlaneBinVariable) is { Length: > 0 } bin)
        {
            return bin;
        }

        // Unset (a plain `dotnet test`): the build script answers from its cache, or builds once.
        var (exit, stdout, stderr) = await ExternalCommand.RunAsync(RepositoryPaths.BuildControlPlaneScript, [], timeout: TimeSpan.FromMinutes(20));
        var dir = stdout.Trim().Split('\n').LastOrDefault()?.Trim();
        if (exit != 0 || string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
        {
            throw new InvalidOperationException(
                $"{ControlPlaneBinVariable} is not set and tests/envtest/build-control-plane.sh did not provide the control-plane binaries (exit {exit}). " +
                $"Run tests/run.sh, or run that script and set {ControlPlaneBinVariable} to the directory it prints last.\n{stderr}");
        }

        return dir;
    }
}

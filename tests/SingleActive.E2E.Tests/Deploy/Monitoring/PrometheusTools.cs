using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy.Monitoring;

/// <summary>Where promtool comes from: <c>tests/envtest/prometheus.sh</c> unpacks Debian's package once and prints the folder.</summary>
internal static class PrometheusTools
{
    public const string BinVariable = "SINGLE_ACTIVE_PROMETHEUS_BIN";

    private static readonly Lazy<Task<string>> Directory = new(ResolveAsync);

    public static async Task<string> PromtoolAsync() => Path.Combine(await Directory.Value, "promtool");

    private static async Task<string> ResolveAsync()
    {
        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } bin)
        {
            return bin;
        }

        var script = Path.Combine(RepositoryPaths.Root, "tests", "envtest", "prometheus.sh");
        var (exit, stdout, stderr) = await ExternalCommand.RunAsync(script, [], timeout: TimeSpan.FromMinutes(5));
        var dir = stdout.Trim().Split('\n').LastOrDefault()?.Trim();
        if (exit != 0 || string.IsNullOrEmpty(dir) || !File.Exists(Path.Combine(dir, "promtool")))
        {
            throw new InvalidOperationException(
                $"{BinVariable} is not set and tests/envtest/prometheus.sh did not provide promtool (exit {exit}). " +
                $"Run that script and set {BinVariable} to the directory it prints last.\n{stderr}");
        }

        return dir;
    }
}

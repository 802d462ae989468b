namespace SingleActive.Webhook.Tests.Golden;

/// <summary>The source tree's testdata folder (found from the test binary, so UPDATE_GOLDEN=1 writes into the repo).</summary>
public static class TestData
{
    private const string Relative = "tests/SingleActive.Webhook.Tests/testdata";

    public static string Directory { get; } = Find();

    /// <summary>Captured AdmissionReview requests: every <c>testdata/*.json</c>, by name without extension.</summary>
    public static IReadOnlyList<string> Fixtures =>
        [.. System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(Directory, name + ".json"));

    public static string GoldenPath(string variant, string name) => Path.Combine(Directory, "golden", variant, name + ".json");

    public static bool UpdateGolden => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Relative);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{Relative} not found above {AppContext.BaseDirectory}");
    }
}

namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The source tree's testdata folder (found from the test binary, so UPDATE_GOLDEN=1 writes into the repo): every
/// <c>testdata/*.json</c> is an input (an AdmissionReview), and <c>testdata/golden/&lt;variant&gt;/</c> holds, per input,
/// what <c>/mutate</c> answered (<c>&lt;input&gt;.json</c>) and what <c>inject -f</c> printed (<c>&lt;input&gt;.inject.yaml</c>);
/// every <c>testdata/manifests/*.yaml</c> is a multi-document input of <c>inject -f</c> alone, answered in
/// <c>testdata/golden/&lt;variant&gt;/manifests/&lt;input&gt;.inject.yaml</c>.
/// </summary>
public static class TestData
{
    private const string Relative = "tests/SingleActive.Webhook.Tests/testdata";

    /// <summary>The extension of an <c>inject -f</c> golden file; a <c>/mutate</c> golden file ends in <c>.json</c>.</summary>
    public const string InjectExtension = ".inject.yaml";

    public static string Directory { get; } = Find();

    /// <summary>"container": the API server version unknown (the elector a regular container); "native": a 1.30 API server.</summary>
    public static IReadOnlyList<string> Variants { get; } = ["container", "native"];

    /// <summary>Captured AdmissionReview requests: every <c>testdata/*.json</c>, by name without extension.</summary>
    public static IReadOnlyList<string> Fixtures =>
        [.. System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(Directory, name + ".json"));

    /// <summary>Where the multi-document manifests are: inputs of <c>inject -f</c> alone (a stream of objects is no review).</summary>
    public const string ManifestFolder = "manifests";

    /// <summary>Manifests as users write them (several documents, Lists, objects inject passes through): every <c>testdata/manifests/*.yaml</c>.</summary>
    public static IReadOnlyList<string> Manifests =>
        [.. System.IO.Directory.GetFiles(Path.Combine(Directory, ManifestFolder), "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    public static string Manifest(string name) => File.ReadAllText(Path.Combine(Directory, ManifestFolder, name + ".yaml"));

    /// <summary>What <c>/mutate</c> answered for the input <paramref name="name"/>.</summary>
    public static string GoldenPath(string variant, string name) => Path.Combine(GoldenDirectory, variant, name + ".json");

    /// <summary>What <c>inject -f</c> printed for the object of the input <paramref name="name"/>.</summary>
    public static string InjectGoldenPath(string variant, string name) => Path.Combine(GoldenDirectory, variant, name + InjectExtension);

    /// <summary>What <c>inject -f</c> printed for the manifest <paramref name="name"/>.</summary>
    public static string ManifestGoldenPath(string variant, string name) => Path.Combine(GoldenDirectory, variant, ManifestFolder, name + InjectExtension);

    /// <summary>Every file under <c>testdata/golden</c>, relative to it with '/' separators.</summary>
    public static IReadOnlyList<string> GoldenFiles =>
        [.. System.IO.Directory.GetFiles(GoldenDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(GoldenDirectory, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    public static string GoldenDirectory => Path.Combine(Directory, "golden");

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

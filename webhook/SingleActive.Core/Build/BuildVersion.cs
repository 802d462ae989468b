namespace SingleActive.Core.Build;

/// <summary>
/// What the binaries were built from: the product version (<c>Version</c> in Directory.Build.props) and the source
/// revision the SDK appends to the informational version (<c>0.1.0+&lt;git commit&gt;</c>; empty when built outside
/// a git checkout). Every binary of one build shares them; SingleActive.Core.csproj writes them in as a constant.
/// </summary>
public sealed record BuildVersion(string Version, string Revision)
{
    /// <summary>This build's.</summary>
    public static BuildVersion Current { get; } = Parse(BuildStamp.InformationalVersion);

    /// <summary>Splits an informational version at its first <c>+</c> (SemVer build metadata).</summary>
    public static BuildVersion Parse(string informationalVersion)
    {
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? new BuildVersion(informationalVersion, "") : new BuildVersion(informationalVersion[..plus], informationalVersion[(plus + 1)..]);
    }

    /// <summary>The <c>version</c> and <c>revision</c> labels of a build info metric.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels() => [new("version", Version), new("revision", Revision)];
}

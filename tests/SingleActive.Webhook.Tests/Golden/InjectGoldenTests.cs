namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The whole output of <c>inject -f</c> for the object of every input review and for every multi-document manifest,
/// as reviewable golden files (<c>testdata/&lt;input&gt;.json</c> → <c>testdata/golden/&lt;variant&gt;/&lt;input&gt;.inject.yaml</c>;
/// UPDATE_GOLDEN=1 rewrites).
/// </summary>
public class InjectGoldenTests
{
    [Theory]
    [MemberData(nameof(GoldenFixtures.AllByVariant), MemberType = typeof(GoldenFixtures))]
    public void Run_Manifest_MatchesGoldenAndReinjectsUnchanged(string fixture, string variant) => GoldenCase.RunInject(variant, fixture);

    /// <summary>Several documents in one stream (<c>testdata/manifests/&lt;name&gt;.yaml</c> → <c>golden/&lt;variant&gt;/manifests/&lt;name&gt;.inject.yaml</c>).</summary>
    [Theory]
    [MemberData(nameof(GoldenFixtures.ManifestsByVariant), MemberType = typeof(GoldenFixtures))]
    public void Run_MultiDocumentManifest_MatchesGoldenAndReinjectsUnchanged(string manifest, string variant) => GoldenCase.RunInjectManifest(variant, manifest);
}

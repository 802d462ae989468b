namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The whole output of <c>inject -f</c> for the object of every input review, as a reviewable golden file
/// (<c>testdata/&lt;input&gt;.json</c> → <c>testdata/golden/&lt;variant&gt;/&lt;input&gt;.inject.yaml</c>; UPDATE_GOLDEN=1 rewrites).
/// </summary>
public class InjectGoldenTests
{
    [Theory]
    [MemberData(nameof(GoldenFixtures.AllByVariant), MemberType = typeof(GoldenFixtures))]
    public void Run_Manifest_MatchesGoldenAndReinjectsUnchanged(string fixture, string variant) => GoldenCase.RunInject(variant, fixture);
}

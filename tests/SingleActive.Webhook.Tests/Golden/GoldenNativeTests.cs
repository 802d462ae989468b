namespace SingleActive.Webhook.Tests.Golden;

/// <summary>The same fixtures against a 1.30 API server: the elector as a native sidecar.</summary>
public sealed class GoldenNativeTests(GoldenServers.Native server) : IClassFixture<GoldenServers.Native>
{
    [Theory]
    [MemberData(nameof(GoldenFixtures.All), MemberType = typeof(GoldenFixtures))]
    public Task Mutate_Fixture_MatchesGoldenAndReinjectsEmpty(string fixture) => GoldenCase.RunAsync(server, "native", fixture);

    [Fact]
    public void Fixtures_AllCapturedReviews_ArePresent() =>
        Assert.True(TestData.Fixtures.Count >= 9, $"expected the captured fixtures in {TestData.Directory}");
}

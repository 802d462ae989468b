namespace SingleActive.Webhook.Tests.Golden;

public static class GoldenFixtures
{
    public static TheoryData<string> All => [.. TestData.Fixtures];
}

/// <summary>Every captured AdmissionReview in testdata, through the real HTTPS pipeline, elector as a regular container.</summary>
public sealed class GoldenContainerTests(GoldenServers.Container server) : IClassFixture<GoldenServers.Container>
{
    [Theory]
    [MemberData(nameof(GoldenFixtures.All), MemberType = typeof(GoldenFixtures))]
    public Task Mutate_Fixture_MatchesGoldenAndReinjectsEmpty(string fixture) => GoldenCase.RunAsync(server, "container", fixture);
}

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

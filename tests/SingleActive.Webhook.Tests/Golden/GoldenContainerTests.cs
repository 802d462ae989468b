namespace SingleActive.Webhook.Tests.Golden;

/// <summary>Every captured AdmissionReview in testdata, through the real HTTPS pipeline, elector as a regular container.</summary>
public sealed class GoldenContainerTests(GoldenServers.Container server) : IClassFixture<GoldenServers.Container>
{
    [Theory]
    [MemberData(nameof(GoldenFixtures.All), MemberType = typeof(GoldenFixtures))]
    public Task Mutate_Fixture_MatchesGoldenAndReinjectsEmpty(string fixture) => GoldenCase.RunAsync(server, "container", fixture);
}

using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>An app whose health the test sets directly.</summary>
public sealed class FakeAppHealth : IAppHealth
{
    public bool CanCampaign { get; set; } = true;

    public bool ShouldStepDown { get; set; }
}

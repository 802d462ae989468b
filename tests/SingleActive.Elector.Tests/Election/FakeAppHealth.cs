using SingleActive.Elector.Election;

namespace SingleActive.Elector.Tests.Election;

/// <summary>An app whose health the test sets directly.</summary>
public sealed class FakeAppHealth : IAppHealth
{
    public bool CanCampaign { get; set; } = true;

    public bool ShouldStepDown { get; set; }

    /// <summary>How often the elector asked for a check now.</summary>
    public int ChecksAskedFor { get; private set; }

    public void CheckNow() => ChecksAskedFor++;
}

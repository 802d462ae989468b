namespace SingleActive.Elector.Election;

/// <summary>No app-health URL configured: leadership does not depend on the app.</summary>
public sealed class AlwaysHealthy : IAppHealth
{
    public static readonly AlwaysHealthy Instance = new();

    private AlwaysHealthy()
    {
    }

    public bool CanCampaign => true;

    public bool ShouldStepDown => false;
}

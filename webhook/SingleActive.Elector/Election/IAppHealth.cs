namespace SingleActive.Elector.Election;

/// <summary>
/// Gates the election on the app's own health: its readinessProbe (<c>Health.AppHealthMonitor</c>) and its containers as the
/// kubelet reports them (<c>Health.AppContainersHealth</c>), together in <see cref="AllAppHealth"/>.
/// </summary>
public interface IAppHealth
{
    /// <summary>A replica whose app is not healthy does not campaign.</summary>
    bool CanCampaign { get; }

    /// <summary>A leader whose app failed the configured number of checks in a row releases the Lease.</summary>
    bool ShouldStepDown { get; }
}

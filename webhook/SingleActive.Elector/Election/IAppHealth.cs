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

    /// <summary>
    /// Checks the app now instead of at its next interval, when a check is how this gate learns: a standby named to
    /// take a released Lease whose app has not passed a check yet (the handover window is shorter than a 10 s probe
    /// period). A gate that follows a watch has nothing to do. Returns at once; the elector is woken when the verdict
    /// changes, as after any check.
    /// </summary>
    void CheckNow();
}

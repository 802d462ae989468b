namespace SingleActive.Elector.PodDeletion;

/// <summary>The app containers of this elector's pod as its kubelet last reported them (<see cref="AppContainerStatuses"/>).</summary>
/// <param name="NotRunning">Why the first app container that does not run is not running (<c>container app is not running: waiting (CrashLoopBackOff)</c>); null when all run.</param>
/// <param name="RestartedRunningSince">
/// When the latest of the app containers that have restarted (<c>restartCount</c> above 0) started its present run
/// (<c>state.running.startedAt</c>, the node's clock, to the second); null when none has restarted.
/// </param>
public sealed record AppContainersView(string? NotRunning, DateTimeOffset? RestartedRunningSince)
{
    /// <summary>Every app container runs, none has restarted.</summary>
    public static readonly AppContainersView AllRunning = new(null, null);
}

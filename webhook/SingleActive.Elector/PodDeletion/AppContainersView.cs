namespace SingleActive.Elector.PodDeletion;

/// <summary>The app containers of this elector's pod as its kubelet last reported them (<see cref="AppContainerStatuses"/>).</summary>
/// <param name="NotRunning">Why the first app container that does not run is not running (<c>container app is not running: waiting (CrashLoopBackOff)</c>); null when all run.</param>
/// <param name="RestartedRunningSince">
/// When the latest of the app containers that have restarted (<c>restartCount</c> above 0) started its present run
/// (<c>state.running.startedAt</c>, the node's clock, to the second); null when none has restarted.
/// </param>
/// <param name="Finished">
/// Why the pod has finished its work (<c>container app has finished (exit code 0)</c>: a regular container of a pod that
/// runs to completion, a Job's); null while it has not. Not a failure, but no reason to take the Lease either.
/// </param>
public sealed record AppContainersView(string? NotRunning, DateTimeOffset? RestartedRunningSince, string? Finished = null)
{
    /// <summary>Every app container runs, none has restarted.</summary>
    public static readonly AppContainersView AllRunning = new(null, null);
}

using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Kubernetes;
using SingleActive.Elector.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>
/// Watches the Lease and feeds every state to the elector, so a standby sees a release the moment
/// it is written instead of on its next poll. The elector's own polling stays the fallback: a watch
/// that silently stalls costs handover speed, never correctness.
/// </summary>
public sealed class LeaseWatcher(IWatchableLeaseStore store, LeaderElector elector, TimeProvider time, ElectionTimings timings, ElectorMetrics metrics, ILogger logger)
{
    private readonly Parking parking = new(time);

    /// <summary>
    /// Parked: waiting for the watch's next event, or for the next try after a failure (tests use this to let work
    /// settle). Not from its start until its watch is open: the read and the opening count as work.
    /// </summary>
    public bool IsIdle => parking.IsParked;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Re-read first: the watch then starts at the version we hold and misses nothing.
                var mark = elector.ReadMark;
                var current = await store.GetAsync(stop).ConfigureAwait(false);
                elector.Observe(current, mark);
                var changes = store.WatchAsync(current?.ResourceVersion, stop).GetAsyncEnumerator(stop);
                await using (changes.ConfigureAwait(false))
                {
                    while (await parking.WhileAsync(changes.MoveNextAsync, stop).ConfigureAwait(false))
                    {
                        elector.Observe(changes.Current);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                metrics.RecordApiError(ApiOperation.Watch);
                Log.WatchEnded(logger, ErrorText.Of(e));
                await parking.PauseAsync(timings.RetryPeriod, null, stop).ConfigureAwait(false);
            }
        }
    }
}

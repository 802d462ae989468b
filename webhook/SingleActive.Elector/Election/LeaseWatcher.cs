using Microsoft.Extensions.Logging;
using SingleActive.Contract;
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
                await foreach (var record in store.WatchAsync(current?.ResourceVersion, stop).ConfigureAwait(false))
                {
                    elector.Observe(record);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                metrics.RecordApiError(ApiOperations.Watch);
                Log.WatchEnded(logger, ErrorText.Of(e));
                try
                {
                    await Task.Delay(timings.RetryPeriod, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

using System.Net;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Kubernetes;

/// <summary>
/// Lists one object by name and watches it from the list's resourceVersion, again and again (every watch ends: the
/// server's timeout, the client-side deadline, a 410 Gone), until stopped or until the handler has seen enough. The
/// elector's own pod and its node are watched this way.
/// </summary>
/// <remarks>
/// A refused list or watch (403) is asked again every <see cref="ForbiddenRetryInterval"/>: cheap, and a ClusterRole
/// applied later takes effect without a restart. Other failures are retried every retry period, like the Lease
/// watch. A watch that ended at once (a proxy that cuts streams) waits out the rest of a retry period first, so this
/// never becomes a tight loop.
/// </remarks>
/// <param name="list">The object now (<c>null</c>: none of that name) and the resourceVersion to watch from.</param>
/// <param name="watch">Every change after that resourceVersion until the watch ends.</param>
/// <param name="apiErrorOperation">The <c>operation</c> label of <c>single_active_elector_api_errors_total</c>.</param>
public sealed class NamedObjectWatch<T>(
    Func<CancellationToken, Task<(T? Object, string? ResourceVersion)>> list,
    Func<string?, CancellationToken, IAsyncEnumerable<T>> watch,
    INamedObjectHandler<T> handler,
    string apiErrorOperation,
    TimeProvider time,
    TimeSpan retryPeriod,
    ElectorMetrics metrics)
    where T : class
{
    /// <summary>How often a list or watch the API server refused (403) is asked again.</summary>
    public static readonly TimeSpan ForbiddenRetryInterval = TimeSpan.FromMinutes(1);

    private readonly Parking parking = new(time);
    private bool watchForbidden;
    /// <summary>
    /// Parked waiting for the API server or for its next try with nothing in hand (tests use this to let work settle).
    /// A watch that has returned is not idle but done: its task (<see cref="RunAsync"/>) says so.
    /// </summary>
    public bool IsIdle => parking.IsParked;

    /// <summary>Runs until <paramref name="stop"/> fires or the handler has seen enough.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var listed = false;
            TimeSpan pause;
            try
            {
                var (current, resourceVersion) = await list(stop).ConfigureAwait(false);
                listed = true;
                if (handler.Saw(current, listed: true, watchRefused: watchForbidden))
                {
                    return;
                }

                var opened = time.GetTimestamp();
                var changes = watch(resourceVersion, stop).GetAsyncEnumerator(stop);
                await using (changes.ConfigureAwait(false))
                {
                    while (await parking.WhileAsync(changes.MoveNextAsync).ConfigureAwait(false))
                    {
                        watchForbidden = false; // An event came: the watch is permitted.
                        if (handler.Saw(changes.Current, listed: false, watchRefused: false))
                        {
                            return;
                        }
                    }
                }

                // Ended by the server's timeout or the client-side deadline: it was open, so it is permitted. List again
                // at once, unless it ended at once.
                watchForbidden = false;
                pause = retryPeriod - time.GetElapsedTime(opened);
                if (pause <= TimeSpan.Zero)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                // Listing permitted, watching not (a role edited by hand): the lists that follow must not claim it works.
                watchForbidden |= listed;
                metrics.RecordApiError(apiErrorOperation);
                handler.Forbidden(ErrorText.Of(e));
                pause = ForbiddenRetryInterval;
            }
            catch (Exception e)
            {
                metrics.RecordApiError(apiErrorOperation);
                handler.Failed(ErrorText.Of(e), listed);
                pause = retryPeriod;
            }

            await parking.PauseAsync(pause, null, stop).ConfigureAwait(false);
        }
    }
}

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
/// <para><b>While the handler awaits a change</b> (<see cref="INamedObjectHandler{T}.AwaitsChange"/>) a watch that shows
/// no event for <see cref="AwaitedChangeRelistInterval"/> is ended and the object listed again. A watch can stall
/// without ending (a proxy or load balancer that holds the stream open, a connection that died silently before TCP
/// keepalive notices): the server's end (<see cref="KubeWatch.TimeoutSeconds"/>) or the client-side deadline would
/// come minutes later. Each such end costs a list and a new watch, on a new connection (an HTTP/1.1 stream cut short
/// cannot be reused), so the wait doubles after each up to <see cref="AwaitedChangeRelistLimit"/> while the object
/// stays quiet (a container that never starts), and is back to the first at the next event. Otherwise a quiet watch is
/// left open: an object that does not change costs nothing.</para>
/// </remarks>
/// <param name="list">The object now (<c>null</c>: none of that name) and the resourceVersion to watch from.</param>
/// <param name="watch">Every change after that resourceVersion until the watch ends.</param>
/// <param name="apiErrorOperation">The operation a failed list or watch counts as in <c>single_active_elector_api_errors_total</c>.</param>
public sealed class NamedObjectWatch<T>(
    Func<CancellationToken, Task<(T? Object, string? ResourceVersion)>> list,
    Func<string?, CancellationToken, IAsyncEnumerable<T>> watch,
    INamedObjectHandler<T> handler,
    ApiOperation apiErrorOperation,
    TimeProvider time,
    TimeSpan retryPeriod,
    ElectorMetrics metrics)
    where T : class
{
    /// <summary>How often a list or watch the API server refused (403) is asked again.</summary>
    public static readonly TimeSpan ForbiddenRetryInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a watch may go without an event while the handler awaits a change before the object is listed again:
    /// the longest a stalled watch delays what the handler waits for (one list every this often for as long as it waits).
    /// </summary>
    public static readonly TimeSpan AwaitedChangeRelistInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest wait the doubling reaches (10, 20, 40, 80, 160 s): below the server's own end of a watch
    /// (<see cref="KubeWatch.TimeoutSeconds"/>), which would otherwise come a moment after each cut and on a connection
    /// that could have been reused.
    /// </summary>
    public static readonly TimeSpan AwaitedChangeRelistLimit = TimeSpan.FromSeconds(160);

    private readonly Parking parking = new(time);
    private bool watchForbidden;
    private TimeSpan quietLimit = AwaitedChangeRelistInterval;
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
                using var quiet = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
                using var watching = CancellationTokenSource.CreateLinkedTokenSource(stop, quiet.Token);
                BoundQuiet(quiet);
                var changes = watch(resourceVersion, watching.Token).GetAsyncEnumerator(watching.Token);
                await using (changes.ConfigureAwait(false))
                {
                    try
                    {
                        while (await parking.WhileAsync(changes.MoveNextAsync, watching.Token).ConfigureAwait(false))
                        {
                            watchForbidden = false; // An event came: the watch is permitted.
                            quietLimit = AwaitedChangeRelistInterval; // And it works.
                            if (handler.Saw(changes.Current, listed: false, watchRefused: false))
                            {
                                return;
                            }

                            BoundQuiet(quiet);
                        }
                    }
                    catch (OperationCanceledException) when (quiet.IsCancellationRequested && !stop.IsCancellationRequested)
                    {
                        // No event while the handler awaited one: the watch may have stalled. List again at once. The watch
                        // is not taken as permitted: it may have been cut before it opened (a refused one never awaits:
                        // its lists are not watched, see INamedObjectHandler.Saw).
                    }
                }

                if (quiet.IsCancellationRequested)
                {
                    quietLimit = quietLimit * 2 < AwaitedChangeRelistLimit ? quietLimit * 2 : AwaitedChangeRelistLimit;
                    continue;
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

    /// <summary>Ends the watch after the quiet limit without an event while the handler awaits a change; never otherwise (and the limit starts over).</summary>
    private void BoundQuiet(CancellationTokenSource quiet)
    {
        var awaits = handler.AwaitsChange;
        if (!awaits)
        {
            quietLimit = AwaitedChangeRelistInterval;
        }

        quiet.CancelAfter(awaits ? quietLimit : Timeout.InfiniteTimeSpan);
    }
}

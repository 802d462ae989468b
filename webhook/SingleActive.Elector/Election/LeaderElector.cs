using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>
/// Campaigns for one Lease and keeps it: acquire an empty, released or expired Lease, renew it every
/// retry period, stop leading the moment a renew has not succeeded within the renew deadline,
/// release it on shutdown or when the app turns unhealthy.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> Only the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) decides
/// anything. A holder is considered gone when this process has seen no change to the Lease for the
/// lease duration, timed from the moment it saw the last change (client-go's <c>observedTime</c>),
/// never by comparing the holder's <c>renewTime</c> with the local wall clock: clocks of two
/// nodes disagree, and a wall clock can jump.</para>
/// <para><b>Readiness.</b> <see cref="IsReady"/> is computed on every call from the start of the
/// last successful renew request, so it turns false on time even when the loop itself is stuck in a
/// hanging API call. The write that renewed happened after that start, and any other replica saw
/// it no earlier, so it cannot acquire before <c>start + lease duration</c>; readiness ends at
/// <c>start + renew deadline</c>. <see cref="ElectionTimings"/> holds the full inequality.</para>
/// </remarks>
public sealed class LeaderElector
{
    private readonly ElectionSettings settings;
    private readonly ILeaseStore store;
    private readonly TimeProvider time;
    private readonly IAppHealth health;
    private readonly ILeadershipObserver observer;
    private readonly ElectorMetrics metrics;
    private readonly ILogger logger;
    private readonly Random random;
    private readonly Lock gate = new();

    private LeaseRecord? observed;
    private long observedAt;
    private bool hasObserved;
    private LeaseRecord? own;
    private bool leading;
    private bool stopping;
    private bool exited;
    private long lastRenewStart;
    private long heartbeat;
    private bool waiting;
    private TaskCompletionSource wake = NewWake();

    public LeaderElector(
        ElectionSettings settings,
        ILeaseStore store,
        TimeProvider time,
        IAppHealth health,
        ILeadershipObserver observer,
        ElectorMetrics metrics,
        ILogger logger,
        Random? random = null)
    {
        this.settings = settings;
        this.store = store;
        this.time = time;
        this.health = health;
        this.observer = observer;
        this.metrics = metrics;
        this.logger = logger;
        this.random = random ?? Random.Shared;
        heartbeat = time.GetTimestamp();
    }

    public string Identity => settings.Identity;

    private ElectionTimings Timings => settings.Timings;

    /// <summary>Leading, not shutting down, and the last successful renew started less than the renew deadline ago.</summary>
    public bool IsReady
    {
        get
        {
            lock (gate)
            {
                return FreshLeaderLocked() && !stopping;
            }
        }
    }

    /// <summary>The process is alive and its election loop keeps beating.</summary>
    public bool IsAlive => !Volatile.Read(ref exited) && time.GetElapsedTime(Volatile.Read(ref heartbeat)) < settings.LivenessWindow;

    /// <summary>The loop is parked in its wait with no wake-up pending (tests use this to let work settle).</summary>
    public bool IsIdle
    {
        get
        {
            lock (gate)
            {
                return waiting || exited;
            }
        }
    }

    public ElectionStatus Status
    {
        get
        {
            lock (gate)
            {
                var record = leading ? own : observed;
                return new ElectionStatus(
                    settings.Identity,
                    record?.IsHeld == true ? record.HolderIdentity : null,
                    FreshLeaderLocked(),
                    record?.LeaseTransitions ?? 0,
                    record?.IsHeld == true ? record.AcquireTime : null,
                    record?.RenewTime);
            }
        }
    }

    /// <summary>
    /// Runs until <paramref name="stop"/> fires; then fails readiness at once, releases the Lease if
    /// it leads (bounded by the renew deadline) and returns.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var onStop = stop.Register(() =>
        {
            lock (gate)
            {
                stopping = true;
            }

            Wake();
        });

        try
        {
            while (!stop.IsCancellationRequested)
            {
                Beat();
                var started = time.GetTimestamp();
                await StepAsync(stop).ConfigureAwait(false);
                await WaitAsync(NextWait(started), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            lock (gate)
            {
                stopping = true;
            }

            using var releaseTimeout = new CancellationTokenSource(Timings.RenewDeadline, time);
            await ReleaseAsync(LeadershipLossReason.ShuttingDown, releaseTimeout.Token).ConfigureAwait(false);
            Volatile.Write(ref exited, true);
        }
    }

    /// <summary>Feeds a state of the Lease seen elsewhere (the watch); wakes the loop when it may act on it.</summary>
    public void Observe(LeaseRecord? record)
    {
        bool wakeUp;
        lock (gate)
        {
            ObserveLocked(record);

            // A standby acts at once on a released or deleted Lease; a leader re-checks at once when
            // someone else's name shows up (the renew that follows finds out for sure).
            wakeUp = leading
                ? record is null || record.HolderIdentity != settings.Identity
                : record is null || !record.IsHeld;
        }

        if (wakeUp)
        {
            Wake();
        }
    }

    /// <summary>Ends the current wait early (app health changed, Lease released).</summary>
    public void Wake()
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            waiting = false;
            signal = wake;
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool FreshLeaderLocked() => leading && time.GetElapsedTime(lastRenewStart) < Timings.RenewDeadline;

    private void Beat() => Volatile.Write(ref heartbeat, time.GetTimestamp());

    private async Task StepAsync(CancellationToken stop)
    {
        bool isLeading;
        lock (gate)
        {
            isLeading = leading;
        }

        if (isLeading && health.ShouldStepDown)
        {
            // Bounded like every other call, so a hanging API server cannot stall the loop (and /healthz).
            using var timeout = new CancellationTokenSource(Timings.RenewDeadline, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            await ReleaseAsync(LeadershipLossReason.AppUnhealthy, linked.Token).ConfigureAwait(false);
        }
        else if (isLeading)
        {
            await RenewAsync(stop).ConfigureAwait(false);
        }
        else if (health.CanCampaign)
        {
            await TryAcquireAsync(stop).ConfigureAwait(false);
        }
    }

    private async Task TryAcquireAsync(CancellationToken stop)
    {
        var attemptStart = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(Timings.RenewDeadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        var outcome = await AttemptAsync(leadingNow: false, linked.Token, stop).ConfigureAwait(false);
        if (outcome.Record is { } won)
        {
            BecomeLeader(won, outcome.PreviousHolder, attemptStart);
        }
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        long renewStart;
        lock (gate)
        {
            renewStart = lastRenewStart;
        }

        var remaining = Timings.RenewDeadline - time.GetElapsedTime(renewStart);
        if (remaining > TimeSpan.Zero)
        {
            var attemptStart = time.GetTimestamp();
            using var timeout = new CancellationTokenSource(remaining, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            var outcome = await AttemptAsync(leadingNow: true, linked.Token, stop).ConfigureAwait(false);
            if (outcome.Record is { } renewed)
            {
                lock (gate)
                {
                    own = renewed;
                    lastRenewStart = attemptStart;
                    ObserveLocked(renewed);
                }

                metrics.RecordRenew(time.GetElapsedTime(attemptStart));
                return;
            }

            if (outcome.HeldBy is { } other)
            {
                Lose(LeadershipLossReason.LeaseTaken, other);
                return;
            }

            Log.RenewFailed(logger, Duration.Format(time.GetElapsedTime(renewStart)), outcome.Error ?? "conflict");
        }

        if (time.GetElapsedTime(renewStart) >= Timings.RenewDeadline)
        {
            Lose(LeadershipLossReason.RenewDeadlineExceeded, null);
        }
    }

    /// <summary>
    /// One read-decide-write round. A standby reads first; a leader writes on the record it last
    /// wrote and reads only after a conflict (someone touched the Lease, maybe only its labels).
    /// </summary>
    private async Task<Outcome> AttemptAsync(bool leadingNow, CancellationToken ct, CancellationToken stop)
    {
        var operation = "get";
        try
        {
            LeaseRecord? current;
            lock (gate)
            {
                current = own;
            }

            if (!leadingNow || current is null)
            {
                current = await store.GetAsync(ct).ConfigureAwait(false);
                Observe(current);
            }

            for (var round = 0; round < 2; round++)
            {
                if (current is null)
                {
                    operation = "create";
                    try
                    {
                        return new Outcome(await store.CreateAsync(Desired(null, leadingNow), ct).ConfigureAwait(false), null, null, null);
                    }
                    catch (LeaseConflictException)
                    {
                        return default;
                    }
                }

                if (!CanTake(current, leadingNow))
                {
                    return new Outcome(null, null, current.HolderIdentity, null);
                }

                operation = "update";
                try
                {
                    var written = await store.ReplaceAsync(Desired(current, leadingNow), ct).ConfigureAwait(false);
                    return new Outcome(written, current.IsHeld ? current.HolderIdentity : null, null, null);
                }
                catch (LeaseConflictException) when (leadingNow && round == 0)
                {
                    operation = "get";
                    current = await store.GetAsync(ct).ConfigureAwait(false);
                    Observe(current);
                }
                catch (LeaseConflictException)
                {
                    return default; // Someone else wrote first: they won this round.
                }
            }

            return default;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            metrics.RecordApiError(operation);
            Log.ApiCallFailed(logger, operation, "timed out");
            return new Outcome(null, null, null, "timed out");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.RecordApiError(operation);
            Log.ApiCallFailed(logger, operation, ErrorText.Of(e));
            return new Outcome(null, null, null, ErrorText.Of(e));
        }
    }

    /// <summary>
    /// A leader may renew a record that still carries its own term; anyone else must wait for the
    /// holder to expire. That includes a record naming this very identity while this process does
    /// not lead: a restarted container waits one lease duration (no longer than a standby would),
    /// and two processes given the same POD_NAME by mistake can never both lead.
    /// </summary>
    private bool CanTake(LeaseRecord current, bool leadingNow)
    {
        if (!current.IsHeld)
        {
            return true;
        }

        if (current.HolderIdentity == settings.Identity && leadingNow)
        {
            lock (gate)
            {
                // Same name but another term: someone else with our identity took it.
                return own is null || own.LeaseTransitions == current.LeaseTransitions;
            }
        }

        lock (gate)
        {
            return hasObserved && time.GetElapsedTime(observedAt) >= ExpiryOf(current);
        }
    }

    /// <summary>
    /// The longer of our own lease duration and the one the holder wrote: the holder's renew
    /// deadline was validated against its own duration, ours against ours.
    /// </summary>
    private TimeSpan ExpiryOf(LeaseRecord record) =>
        TimeSpan.FromSeconds(Math.Max(record.LeaseDurationSeconds, (int)Timings.LeaseDuration.TotalSeconds));

    private LeaseRecord Desired(LeaseRecord? current, bool leadingNow)
    {
        var now = time.GetUtcNow();

        // A new term (even after a restart of this same pod) gets a new epoch, so an app fencing
        // on leaseTransitions never confuses two tenures.
        var continuing = leadingNow && current?.HolderIdentity == settings.Identity;
        return new LeaseRecord(
            settings.Identity,
            (int)Timings.LeaseDuration.TotalSeconds,
            continuing ? current!.AcquireTime : now,
            now,
            current is null ? 0 : continuing ? current.LeaseTransitions : current.LeaseTransitions + 1,
            current?.ResourceVersion);
    }

    private void ObserveLocked(LeaseRecord? record)
    {
        if (!hasObserved || !LeaseRecord.SameElection(observed, record))
        {
            observedAt = time.GetTimestamp();
            hasObserved = true;
            if (record?.IsHeld == true && record.HolderIdentity != observed?.HolderIdentity && record.HolderIdentity != settings.Identity)
            {
                Log.LeaderObserved(logger, record.HolderIdentity!);
            }
        }

        observed = record;
    }

    private void BecomeLeader(LeaseRecord record, string? previousHolder, long attemptStart)
    {
        // If SIGTERM arrived while the write was in flight, readiness stays false (stopping) and
        // the release in RunAsync's finally hands the Lease straight back.
        lock (gate)
        {
            leading = true;
            own = record;
            lastRenewStart = attemptStart;
            ObserveLocked(record);
        }

        metrics.RecordElected();
        Log.Elected(logger, settings.Identity, record.LeaseTransitions, previousHolder ?? "none");
        observer.OnElected(record, previousHolder);
    }

    private void Lose(LeadershipLossReason reason, string? newHolder)
    {
        lock (gate)
        {
            if (!leading)
            {
                return;
            }

            leading = false;
            own = null;
        }

        metrics.RecordLost(reason);
        Log.LeadershipLost(logger, settings.Identity, ElectorMetrics.ReasonLabel(reason), newHolder ?? "unknown");
        observer.OnLost(reason, newHolder);
    }

    /// <summary>
    /// Gives the Lease up for a quick handover: clear the holder, lease duration 1 s, on the record
    /// we last wrote (resourceVersion precondition, so a Lease someone else took is never touched).
    /// Readiness is already false when this starts.
    /// </summary>
    private async Task ReleaseAsync(LeadershipLossReason reason, CancellationToken ct)
    {
        LeaseRecord? current;
        lock (gate)
        {
            current = own;
        }

        if (current is null)
        {
            return;
        }

        Lose(reason, null);
        try
        {
            for (var round = 0; round < 2 && current?.HolderIdentity == settings.Identity; round++)
            {
                var released = current with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = time.GetUtcNow() };
                try
                {
                    var written = await store.ReplaceAsync(released, ct).ConfigureAwait(false);
                    Observe(written);
                    Log.Released(logger, ElectorMetrics.ReasonLabel(reason));
                    return;
                }
                catch (LeaseConflictException)
                {
                    current = await store.GetAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            metrics.RecordApiError("release");
            Log.ReleaseFailed(logger, ElectorMetrics.ReasonLabel(reason), ErrorText.Of(e));
        }
    }

    private TimeSpan NextWait(long iterationStart)
    {
        TimeSpan period;
        lock (gate)
        {
            if (leading)
            {
                period = Timings.RetryPeriod;
            }
            else
            {
                // client-go's jitter: spread standbys so they do not hit the API server in lockstep.
                period = Timings.RetryPeriod * (1 + (random.NextDouble() * (ElectionTimings.RetryJitterFactor - 1)));

                // Wake exactly when the holder's lease would expire rather than up to a period later.
                if (observed?.IsHeld == true && observed.HolderIdentity != settings.Identity && hasObserved)
                {
                    var untilExpiry = ExpiryOf(observed) - time.GetElapsedTime(observedAt);
                    if (untilExpiry > TimeSpan.Zero && untilExpiry < period)
                    {
                        return untilExpiry;
                    }
                }
            }
        }

        return period - time.GetElapsedTime(iterationStart);
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stop)
    {
        Task signal;
        lock (gate)
        {
            if (wake.Task.IsCompleted)
            {
                wake = NewWake();
                return;
            }

            signal = wake.Task;
        }

        if (wait > TimeSpan.Zero)
        {
            // The timer ends the wait through Wake(), so "parked" (IsIdle) turns false the very
            // moment the wait is over, wherever the timer fires.
            using var timer = time.CreateTimer(static state => ((LeaderElector)state!).Wake(), this, wait, Timeout.InfiniteTimeSpan);
            lock (gate)
            {
                waiting = !signal.IsCompleted;
            }

            await signal.ConfigureAwait(false);
        }

        lock (gate)
        {
            waiting = false;
            if (wake.Task.IsCompleted)
            {
                wake = NewWake();
            }
        }

        stop.ThrowIfCancellationRequested();
    }

    private readonly record struct Outcome(LeaseRecord? Record, string? PreviousHolder, string? HeldBy, string? Error);
}

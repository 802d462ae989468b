using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
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
/// <para><b>Fencing.</b> A new term is ready only once its <see cref="IReadinessGate"/> opens for
/// its epoch (readiness mode: the previous holder's pod was marked not ready through the API
/// server). Leading alone is not enough: a holder cut off from the API server is still Ready in
/// the API until someone else says otherwise.</para>
/// <para><b>Releasing.</b> Readiness fails first; in readiness mode the Lease is written only once the
/// pod's own kubelet has seen this replica not ready (<see cref="PodDeletion.OwnPodReadiness"/>), so it
/// cannot write <c>Ready=True</c> over the successor's fence.</para>
/// </remarks>
public sealed partial class LeaderElector
{
    private readonly ElectionSettings settings;
    private readonly ILeaseStore store;
    private readonly TimeProvider time;
    private readonly IAppHealth health;
    private readonly ILeadershipObserver observer;
    private readonly ElectorMetrics metrics;
    private readonly ILogger logger;
    private readonly Random random;
    private readonly IReadinessGate? readinessGate;
    private readonly PodDeletion.OwnPodReadiness? ownPod;
    private readonly Lock gate = new();

    // Held from a change of `leading` until the observer has been told of it (always taken before `gate`), so
    // observers hear elected/lost in the order they happened: a deletion seen on the watch thread right after a
    // win must not reach the reporter before the win does (it would leave a standby labelled leader).
    private readonly Lock notifying = new();

    private readonly LeaseElection election;
    private readonly LeaseRound round;
    private bool stopping;
    private bool retired;
    private bool exited;
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
        Random? random = null,
        IReadinessGate? readinessGate = null,
        OperatorSupport? operatorSupport = null,
        PodDeletion.OwnPodReadiness? ownPod = null)
    {
        this.settings = settings;
        this.store = store;
        this.time = time;
        this.health = health;
        this.observer = observer;
        this.metrics = metrics;
        this.logger = logger;
        this.random = random ?? Random.Shared;
        this.readinessGate = readinessGate;
        this.operatorSupport = operatorSupport;
        this.ownPod = ownPod;
        election = new LeaseElection(settings.Identity, settings.Timings.LeaseDuration, time);
        round = new LeaseRound(store, new Campaign(this));
        heartbeat = time.GetTimestamp();
    }

    public string Identity => settings.Identity;

    private ElectionTimings Timings => settings.Timings;

    /// <summary>
    /// Leading, not shutting down or retired, the last successful renew started less than the renew
    /// deadline ago, and this term's readiness gate is open (the previous holder is fenced).
    /// </summary>
    public bool IsReady
    {
        get
        {
            lock (gate)
            {
                return FreshLeaderLocked() && !stopping && !retired && GateOpenLocked();
            }
        }
    }

    /// <summary>Will never lead again (see <see cref="Retire"/>).</summary>
    public bool IsRetired
    {
        get
        {
            lock (gate)
            {
                return retired;
            }
        }
    }

    /// <summary>The process is alive and its election loop keeps beating.</summary>
    public bool IsAlive => !Volatile.Read(ref exited) && time.GetElapsedTime(Volatile.Read(ref heartbeat)) < settings.LivenessWindow;

    /// <summary>The loop is parked in its wait (or a release waits for the kubelet) with no wake-up pending (tests use this to let work settle).</summary>
    public bool IsIdle
    {
        get
        {
            lock (gate)
            {
                return waiting || exited || ownPod?.IsParked == true;
            }
        }
    }

    public ElectionStatus Status
    {
        get
        {
            lock (gate)
            {
                var record = election.IsLeading ? election.Own : election.Seen.Current;
                return new ElectionStatus(
                    settings.Identity,
                    record?.IsHeld == true ? record.HolderIdentity : null,
                    FreshLeaderLocked(),
                    election.Seen.HighestTransitions ?? 0,
                    record?.IsHeld == true ? record.AcquireTime : null,
                    record?.RenewTime,
                    FreshLeaderLocked() && !GateOpenLocked());
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

            var successor = await SuccessorForReleaseAsync().ConfigureAwait(false);
            using var releaseTimeout = new CancellationTokenSource(Timings.RenewDeadline, time);
            await ReleaseAsync(LeadershipLossReason.ShuttingDown, releaseTimeout.Token, successor).ConfigureAwait(false);
            Volatile.Write(ref exited, true);
        }
    }

    /// <summary>Feeds a state of the Lease seen elsewhere (the watch); wakes the loop when it may act on it.</summary>
    public void Observe(LeaseRecord? record)
    {
        bool wakeUp;
        bool removed;
        lock (gate)
        {
            var before = election.Seen.Current;
            var news = !election.Seen.HasObserved || !LeaseRecord.SameElection(before, record);
            if (!ObserveLocked(record))
            {
                return;
            }

            // A leader whose Lease was deleted or cleared by someone else (its own release stops it
            // leading first) no longer holds it: it stops being ready now, not at its next renew.
            removed = election.IsLeading && record?.IsHeld != true;

            // A standby acts at once on a newly released or deleted Lease (only on news: a Lease
            // whose last term it waits out is read again on every round); a leader re-checks at
            // once when someone else's name shows up (the renew that follows finds out for sure).
            wakeUp = election.IsLeading
                ? record is null || record.HolderIdentity != settings.Identity
                : news && (record is null || !record.IsHeld);
            wakeUp |= OperatorNewsLocked(before, record);
        }

        if (removed)
        {
            Lose(LeadershipLossReason.LeaseRemoved, null);
        }

        if (wakeUp)
        {
            Wake();
        }
    }

    /// <summary>
    /// This replica must never lead again: its pod is being deleted. Readiness fails at once; a leader
    /// releases the Lease on the loop's next step, woken now (as on SIGTERM: <see cref="LeadershipLossReason.PodDeleting"/>);
    /// nobody campaigns again, even when the Lease is free. Unlike a stop, the loop keeps running (and
    /// <see cref="IsAlive"/> true) until <see cref="RunAsync"/> is stopped; that stop then has nothing to release.
    /// </summary>
    public void Retire()
    {
        lock (gate)
        {
            if (retired)
            {
                return;
            }

            retired = true;
        }

        Wake();
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

    private bool FreshLeaderLocked() => election.RenewedWithin(Timings.RenewDeadline);

    private bool GateOpenLocked() => readinessGate is null || (election.OwnEpoch is { } epoch && readinessGate.IsOpen(epoch));

    private void Beat() => Volatile.Write(ref heartbeat, time.GetTimestamp());

    private async Task StepAsync(CancellationToken stop)
    {
        bool isLeading;
        bool isRetired;
        lock (gate)
        {
            isLeading = election.IsLeading;
            isRetired = retired;
        }

        AdvertiseCandidacy();
        if (isLeading && !isRetired && (await HandleHandoverRequestAsync(stop).ConfigureAwait(false) || await HandlePlannedHandoverAsync(stop).ConfigureAwait(false)))
        {
            return; // Handed over: that release was this round's write.
        }

        // A pod being deleted releases even while failover is paused: nobody takes the Lease until the pause ends.
        if (isLeading && (isRetired || (health.ShouldStepDown && !KeepsLeadingWhilePaused())))
        {
            // Bounded like every other call, so a hanging API server cannot stall the loop (and /healthz). Not cut by
            // SIGTERM: a release is what SIGTERM asks for, and one cancelled in flight would leave the term to expire
            // (Lose has already let go of it, so the release on the way out has nothing to release).
            var successor = isRetired ? await SuccessorForReleaseAsync().ConfigureAwait(false) : null;
            using var timeout = new CancellationTokenSource(Timings.RenewDeadline, time);
            await ReleaseAsync(isRetired ? LeadershipLossReason.PodDeleting : LeadershipLossReason.AppUnhealthy, timeout.Token, successor).ConfigureAwait(false);
        }
        else if (isLeading)
        {
            await RenewAsync(stop).ConfigureAwait(false);
        }
        else if (!isRetired && health.CanCampaign)
        {
            await TryAcquireAsync(stop).ConfigureAwait(false);
        }
    }

    /// <returns><c>false</c> when the state is older than one already seen and was ignored.</returns>
    private bool ObserveLocked(LeaseRecord? record)
    {
        var term = election.Seen.Term;
        switch (election.Observe(record))
        {
            case LeaseChange.Stale:
                return false;
            case LeaseChange.OtherHolder:
                Log.LeaderObserved(logger, record!.HolderIdentity!);
                break;
            case LeaseChange.TermOutlivesLease:
                Log.TermOutlivesLease(logger, term!.HolderIdentity!, record is null ? "deleted" : "holder cleared");
                break;
        }

        return true;
    }

    private void BecomeLeader(LeaseRecord record, string? previousHolder, long attemptStart)
    {
        // If SIGTERM arrived while the write was in flight, readiness stays false (stopping) and
        // the release in RunAsync's finally hands the Lease straight back; if Retire did, the
        // next step does (its wake-up is pending).
        lock (notifying)
        {
            lock (gate)
            {
                election.Won(record, attemptStart);
            }

            metrics.RecordElected();
            Log.Elected(logger, settings.Identity, record.LeaseTransitions, previousHolder ?? "none");
            observer.OnElected(record, previousHolder);
        }
    }

    private void Lose(LeadershipLossReason reason, string? newHolder)
    {
        lock (notifying)
        {
            lock (gate)
            {
                if (!election.IsLeading)
                {
                    return;
                }

                // Stepping down because the Lease was removed under a fresh term: nobody else can hold a
                // newer one (every other replica waits that term out), so this replica may start the
                // next term at once instead of waiting out its own.
                election.StepDown(mayRetake: reason == LeadershipLossReason.LeaseRemoved && FreshLeaderLocked());
            }

            metrics.RecordLost(reason);
            Log.LeadershipLost(logger, settings.Identity, ElectorMetrics.ReasonLabel(reason), newHolder ?? "unknown");
            observer.OnLost(reason, newHolder);
        }
    }
}

using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Election;

/// <summary>
/// Campaigns for one Lease and keeps it: acquire an empty, released or expired Lease, renew it every retry period,
/// stop leading the moment a renew has not succeeded within the renew deadline, release it on shutdown, when the pod
/// is deleted or when the app turns unhealthy, hand it over when asked or for maintenance. The algorithm is this file
/// (a loop of rounds, woken early by what the watch sees); the rules of the Lease are <see cref="LeaseElection"/>
/// (only the monotonic clock decides expiry), its I/O <see cref="LeaseRound"/>, readiness <see cref="TermReadiness"/>,
/// pacing <see cref="RoundPacing"/> and <see cref="WakeSignal"/>, the operator's controls <see cref="OperatorControls"/>
/// and <see cref="Handovers"/>, maintenance <see cref="MaintenanceState"/> and <see cref="PlannedHandovers"/>.
/// </summary>
/// <remarks>
/// <para><b>Fencing.</b> A new term is ready only once its <see cref="IReadinessGate"/> opens for its epoch (readiness
/// mode: the previous holder's pod was marked not ready through the API server): a holder cut off from the API server
/// is still Ready in the API until someone else says otherwise.</para>
/// <para><b>Releasing.</b> Readiness fails first; in readiness mode the Lease is written only once the pod's own kubelet
/// has seen this replica not ready (<see cref="OwnPodReadiness"/>), so it cannot write <c>Ready=True</c> over the
/// successor's fence.</para>
/// </remarks>
public sealed class LeaderElector : ILeaderTerm
{
    private readonly ElectionSettings settings;
    private readonly TimeProvider time;
    private readonly IAppHealth health;
    private readonly OwnPodReadiness? ownPod;

    // Guards `election` and `readiness`; the helpers that read them take it too.
    private readonly Lock gate = new();
    private readonly LeaseElection election;
    private readonly ElectorCampaign campaign;
    private readonly TermRounds rounds;
    private readonly TermReadiness readiness;
    private readonly LeadershipChanges changes;
    private readonly RoundPacing pacing;
    private readonly WakeSignal wake;
    private readonly OperatorControls controls;
    private readonly MaintenanceState maintenance;
    private readonly Handovers? handovers;
    private readonly PlannedHandovers? planned;
    private long heartbeat;
    private bool exited;

    public LeaderElector(
        ElectionSettings settings, ILeaseStore store, TimeProvider time, IAppHealth health, ILeadershipObserver observer, ElectorMetrics metrics, ILogger logger,
        Random? random = null, IReadinessGate? readinessGate = null, OperatorSupport? operatorSupport = null, OwnPodReadiness? ownPod = null)
    {
        (this.settings, this.time, this.health, this.ownPod) = (settings, time, health, ownPod);
        election = new LeaseElection(settings.Identity, settings.Timings.LeaseDuration, time);
        readiness = new TermReadiness(election, readinessGate, settings.Timings.RenewDeadline);
        changes = new LeadershipChanges(settings.Identity, election, readiness, gate, observer, metrics, logger);
        pacing = new RoundPacing(settings.Timings, random ?? Random.Shared);
        wake = new WakeSignal(time);
        controls = new OperatorControls(settings, time, operatorSupport?.Observer, metrics, logger);
        maintenance = new MaintenanceState(settings, time, metrics, logger);
        campaign = new ElectorCampaign(election, gate, controls, maintenance, time, settings.TakeUpWindow, logger, (record, mark) => Observe(record, mark, roundRead: true), (change, decidedAt) => { if (rounds?.OwnWriteLanded(change, decidedAt) == true) { Wake(); } });
        var releases = new ReleaseWrites(settings, time, wake, metrics, logger);
        rounds = new TermRounds(settings, election, gate, new LeaseRound(store, campaign), time, controls, ownPod, metrics, logger, this, releases);
        handovers = operatorSupport is null ? null : new Handovers(settings, store, time, operatorSupport, controls, metrics, logger, this, releases);
        planned = operatorSupport?.Planner is null ? null : new PlannedHandovers(settings, time, operatorSupport.Planner, maintenance, controls, handovers!, metrics, logger, this);
        heartbeat = time.GetTimestamp();
    }

    public string Identity => settings.Identity;

    /// <summary>Leading, not stopping or retired, renewed within the renew deadline, and this term's readiness gate open (the previous holder is fenced).</summary>
    public bool IsReady => Locked(() => readiness.IsReady);

    /// <summary>Will never lead again (see <see cref="Retire"/>).</summary>
    public bool IsRetired => Locked(() => readiness.Retired);

    /// <summary>The Lease as last seen is paused.</summary>
    public bool IsPaused => controls.IsPaused;

    /// <summary>The process is alive and its election loop keeps beating.</summary>
    public bool IsAlive => !Volatile.Read(ref exited) && time.GetElapsedTime(Volatile.Read(ref heartbeat)) < settings.LivenessWindow;

    /// <summary>The loop is parked in its wait (also between two attempts of a release; or a release waits for the kubelet) with no wake-up pending (tests use this to let work settle; a loop that has returned is not idle but done: its task says so).</summary>
    public bool IsIdle => wake.IsParked || ownPod?.IsParked == true;

    public ElectionStatus Status => Locked(readiness.Status);

    /// <summary>Runs until <paramref name="stop"/> fires; then fails readiness at once, releases the Lease if it leads (bounded by the renew deadline) and returns.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var onStop = stop.Register(() =>
        {
            Locked(() => readiness.Stopping = true);
            Wake();
        });
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Volatile.Write(ref heartbeat, time.GetTimestamp());
                var (started, renewedBefore) = (time.GetTimestamp(), Locked(() => election.LastRenewStart));
                await StepAsync(stop).ConfigureAwait(false);
                var (leading, untilExpiry, renewed) = Locked(() => (election.IsLeading, election.UntilTermExpires(), election.LastRenewStart));
                await wake.WaitAsync(pacing.NextWait(leading, untilExpiry, time.GetElapsedTime(RoundPacing.LeadersRoundStart(started, renewedBefore, renewed))), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Locked(() => readiness.Stopping = true);
            var successor = await SuccessorForReleaseAsync().ConfigureAwait(false);
            using var releaseTimeout = new CancellationTokenSource(settings.Timings.RenewDeadline, time);
            await rounds.ReleaseAsync(LeadershipLossReason.ShuttingDown, releaseTimeout.Token, successor).ConfigureAwait(false);
            Volatile.Write(ref exited, true);
        }
    }

    /// <summary>Noted before a read of the Lease is sent, and given back with its answer to <see cref="Observe"/>.</summary>
    public long ReadMark => Locked(() => election.Seen.Count);

    /// <summary>Feeds a state of the Lease read after <paramref name="readMark"/> (an absence may then be stale: <see cref="LeaseObservation.Record(LeaseRecord?, long)"/>) or watched (<c>null</c>: current), by a round of the loop (<paramref name="roundRead"/>) or not; wakes the loop when it may act on it.</summary>
    public void Observe(LeaseRecord? record, long? readMark = null, bool roundRead = false)
    {
        bool wakeUp, removed;
        lock (gate)
        {
            var before = election.Seen.Current;
            var news = !election.Seen.HasObserved || !LeaseRecord.SameElection(before, record);
            if (!campaign.ObserveLocked(record, readMark, roundRead))
            {
                return;
            }

            // A leader whose Lease was deleted or cleared by someone else (its own release stops it leading first) no
            // longer holds it: it stops being ready now, not at its next renew. A standby acts at once on a newly
            // released or deleted Lease (only on news: a Lease whose last term it waits out is read again every round);
            // a leader re-checks at once when someone else's name shows up (the renew that follows finds out for sure).
            removed = election.IsLeading && record?.IsHeld != true;
            wakeUp = election.IsLeading ? record is null || record.HolderIdentity != settings.Identity : news && (record is null || !record.IsHeld);
            wakeUp |= controls.Track(before, record, election.IsLeading);
        }

        if (removed)
        {
            changes.Lose(LeadershipLossReason.LeaseRemoved, null);
        }

        if (wakeUp)
        {
            Wake();
        }
    }

    /// <summary>
    /// This replica must never lead again: its pod is being deleted. Readiness fails at once; a leader releases the
    /// Lease on the loop's next step, woken now (as on SIGTERM: <see cref="LeadershipLossReason.PodDeleting"/>); nobody
    /// campaigns again. Unlike a stop, the loop keeps running (and <see cref="IsAlive"/> true) until
    /// <see cref="RunAsync"/> is stopped; that stop then has nothing to release.
    /// </summary>
    public void Retire()
    {
        if (Locked(() => !readiness.Retired && (readiness.Retired = true)))
        {
            Wake();
        }
    }

    /// <summary>Told by the node watch whether this replica's node is about to be drained; acts on it at once.</summary>
    public void OnNodeDrainChanged(NodeDrainState state)
    {
        maintenance.OnNodeDrainChanged(state);
        Wake();
    }

    /// <summary>Ends the current wait early (app health changed, Lease released).</summary>
    public void Wake() => wake.Wake();

    LeaseRecord? ILeaderTerm.OwnTermAsSeen() => Locked(election.OwnTermAsSeen);

    void ILeaderTerm.Rewrote(LeaseRecord written)
    {
        Locked(() => election.Rewrote(written));
        Observe(written);
    }

    void ILeaderTerm.Observe(LeaseRecord? record) => Observe(record);

    void ILeaderTerm.AllowRetake() => Locked(() => election.MayRetake = true);

    void ILeaderTerm.Lose(LeadershipLossReason reason, string? newHolder) => changes.Lose(reason, newHolder);

    Task ILeaderTerm.AwaitKubeletAsync(LeadershipLossReason reason, CancellationToken cancellationToken) => rounds.AwaitKubeletAsync(reason, cancellationToken);

    void ILeaderTerm.BecomeLeader(LeaseRecord record, string? previousHolder, long attemptStart) => changes.BecomeLeader(record, previousHolder, attemptStart);

    private async Task StepAsync(CancellationToken stop)
    {
        var (isLeading, isRetired, seen, seenAt) = Locked(() => (election.IsLeading, readiness.Retired, election.Seen.Current, election.Seen.ChangedAt));
        controls.AdvertiseCandidacy(maintenance.Candidacy(health.CanCampaign), isLeading);
        if (isLeading && !isRetired && handovers is not null
            && (await handovers.HandleRequestAsync(stop).ConfigureAwait(false) || (planned is not null && await planned.HandleAsync(stop).ConfigureAwait(false))))
        {
            return; // Handed over: that release was this round's write.
        }

        // A pod being deleted releases even while failover is paused: nobody takes the Lease until the pause ends.
        if (isLeading && (isRetired || (health.ShouldStepDown && !controls.KeepsLeadingWhilePaused())))
        {
            // Bounded, so a hanging API server cannot stall the loop (and /healthz). Not cut by SIGTERM, which asks for it:
            // cancelled in flight it would leave the term to expire (Lose let go of it: nothing is released on the way out).
            var successor = isRetired ? await SuccessorForReleaseAsync().ConfigureAwait(false) : null;
            using var timeout = new CancellationTokenSource(settings.Timings.RenewDeadline, time);
            await rounds.ReleaseAsync(isRetired ? LeadershipLossReason.PodDeleting : LeadershipLossReason.AppUnhealthy, timeout.Token, successor).ConfigureAwait(false);
        }
        else if (isLeading)
        {
            await rounds.RenewAsync(stop).ConfigureAwait(false);
        }
        else if (!isRetired && health.CanCampaign)
        {
            await rounds.TryAcquireAsync(stop).ConfigureAwait(false);
        }
        else if (!isRetired && controls.NamesAsSuccessor(seen, time.GetElapsedTime(seenAt)))
        {
            health.CheckNow(); // Its next check may come after the handover window: a passed one wakes this loop.
        }
    }

    private Task<HandoverRecord?> SuccessorForReleaseAsync() =>
        planned is not null && Locked(() => election.IsLeading) ? planned.SuccessorForReleaseAsync() : Task.FromResult<HandoverRecord?>(null);

    private T Locked<T>(Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }

    private void Locked(Action change)
    {
        lock (gate)
        {
            change();
        }
    }
}

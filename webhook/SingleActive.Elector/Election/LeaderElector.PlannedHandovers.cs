using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.Succession;

namespace SingleActive.Elector.Election;

/// <summary>
/// Handovers the leader starts by itself for maintenance (<see cref="SuccessionPlanner"/>): before its node is drained,
/// and once per rollout to a standby of the newest template revision. Each is a directed handover
/// (<see cref="HandOverAsync"/>), so it keeps every guarantee of one. A standby on a draining node lets standbys
/// elsewhere take a free Lease first.
/// </summary>
public sealed partial class LeaderElector
{
    /// <summary>The longest the succession check before a release at deletion or SIGTERM may delay it.</summary>
    public static readonly TimeSpan PlanBeforeReleaseLimit = TimeSpan.FromSeconds(1);

    private NodeDrainState nodeDrain = NodeDrainState.Unknown;
    private bool outdated;
    private long lastSuccessionCheck;
    private bool successionChecked;
    private string? blockedReported;
    private bool takeoverDeferredNoted;

    /// <summary>
    /// How often a leader checks, while nothing is known to be going on, whether a rollout has started (its pod's
    /// ReplicaSet and Deployment read): five retry periods, 10 s by default. While its node drains or a rollout is under
    /// way it checks every round.
    /// </summary>
    private TimeSpan SuccessionCheckInterval => Timings.RetryPeriod * 5;

    /// <summary>Told by the node watch whether this replica's node is about to be drained; acts on it at once.</summary>
    public void OnNodeDrainChanged(NodeDrainState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (gate)
        {
            nodeDrain = state;
            blockedReported = null;
            takeoverDeferredNoted = false;
            if (!state.Draining)
            {
                metrics.DrainHandoverBlocked = false;
            }
        }

        Wake();
    }

    /// <summary>Whether this replica could take the Lease now, and why not, for its candidacy condition.</summary>
    private (bool Candidate, string Reason, string Why) CandidacyNow()
    {
        NodeDrainState drain;
        lock (gate)
        {
            drain = nodeDrain;
        }

        if (drain.Draining)
        {
            return (false, PodConditions.CandidateNodeDraining, drain.Reason);
        }

        return health.CanCampaign ? (true, PodConditions.CandidateReady, "its app is healthy") : (false, PodConditions.CandidateAppUnhealthy, "its app has not passed its health check");
    }

    /// <summary>
    /// Leader: hands over when its node drains or a rollout left it on an older revision, to the standby the planner
    /// chose; when the node drains and nobody qualifies, says why once per reason (log, Event, the Lease's last-handover,
    /// <c>single_active_elector_drain_handover_blocked</c>) and keeps leading.
    /// </summary>
    /// <returns><c>true</c> when the Lease was released to the chosen replica: that write was this round's.</returns>
    private async Task<bool> HandlePlannedHandoverAsync(CancellationToken stop)
    {
        LeaseRecord? current;
        NodeDrainState drain;
        bool paused;
        lock (gate)
        {
            current = OwnTermAsSeenLocked();
            drain = nodeDrain;
            paused = pauseSeen;
            var due = drain.Draining || outdated || !successionChecked || time.GetElapsedTime(lastSuccessionCheck) >= SuccessionCheckInterval;
            if (current is null || current.Controls?.PreferredHolder is not null || operatorSupport?.Planner is null || !due)
            {
                return false; // An operator's request, if any, is answered first (HandleHandoverRequestAsync).
            }

            successionChecked = true;
            lastSuccessionCheck = time.GetTimestamp();
        }

        var support = operatorSupport;
        SuccessionPlan plan;
        try
        {
            using var timeout = new CancellationTokenSource(settings.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            plan = await support.Planner.PlanAsync(drain, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError("pods");
            Log.SuccessionPlanFailed(logger, drain.Draining ? PlannedHandover.NodeDrain : PlannedHandover.Rollout, ErrorText.Of(e));
            return false;
        }

        if (paused && plan.Action == SuccessionAction.HandOver)
        {
            // No planned handover while failover is paused; before a drain, that is worth saying.
            plan = plan.Trigger == PlannedHandover.NodeDrain
                ? plan with { Action = SuccessionAction.Blocked, Target = null, Reason = $"{drain.Reason}, but failover is paused ({Annotations.Paused} on the Lease): resume it to hand over" }
                : SuccessionPlan.Stay with { Outdated = plan.Outdated };
        }

        lock (gate)
        {
            outdated = plan.Outdated;
            if (OwnTermAsSeenLocked()?.ResourceVersion != current.ResourceVersion)
            {
                return false; // Checking took API calls: act only on what is still this term's latest state.
            }

            if (plan.Action == SuccessionAction.Blocked && plan.Reason == blockedReported)
            {
                return false;
            }

            blockedReported = plan.Action == SuccessionAction.Blocked ? plan.Reason : null;
            metrics.DrainHandoverBlocked = plan.Action == SuccessionAction.Blocked;
        }

        var record = new HandoverRecord(plan.Trigger ?? PlannedHandover.Rollout, plan.Target, settings.Identity, HandoverOutcome.Refused, plan.Reason, time.GetUtcNow());
        switch (plan.Action)
        {
            case SuccessionAction.HandOver:
                await HandOverAsync(current, record with { Outcome = HandoverOutcome.InProgress }, support, stop).ConfigureAwait(false);
                return true;
            case SuccessionAction.Blocked:
                Log.DrainHandoverBlocked(logger, plan.Reason);
                await AnswerHandoverAsync(current, record, support, stop).ConfigureAwait(false);
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Before a release at the pod's deletion or at SIGTERM: the standby that should take over when maintenance is
    /// the reason (the node drains, or a rollout is replacing this pod), so others defer to it for the handover window.
    /// <c>null</c> (an open release, anyone may take it) when nothing calls for a choice, nobody qualifies, or the check
    /// did not finish within <see cref="PlanBeforeReleaseLimit"/>.
    /// </summary>
    private async Task<HandoverRecord?> SuccessorForReleaseAsync()
    {
        NodeDrainState drain;
        lock (gate)
        {
            if (!election.IsLeading || operatorSupport?.Planner is null || pauseSeen)
            {
                return null;
            }

            drain = nodeDrain;
        }

        try
        {
            using var limit = new CancellationTokenSource(PlanBeforeReleaseLimit, time);
            var plan = await operatorSupport.Planner.PlanAsync(drain, limit.Token).ConfigureAwait(false);
            return plan.Action == SuccessionAction.HandOver
                ? new HandoverRecord(plan.Trigger!, plan.Target, settings.Identity, HandoverOutcome.InProgress, plan.Reason, time.GetUtcNow())
                : null;
        }
        catch (Exception e)
        {
            metrics.RecordApiError("pods");
            Log.SuccessionPlanFailed(logger, drain.Draining ? PlannedHandover.NodeDrain : PlannedHandover.Rollout, ErrorText.Of(e));
            return null;
        }
    }

    /// <summary>
    /// A standby on a draining node leaves a free Lease to standbys elsewhere for the handover window (timed from when
    /// the Lease became free): it takes it only if none did by then.
    /// </summary>
    private bool DefersTakeoverLocked(LeaseRecord? current)
    {
        if (!nodeDrain.Draining)
        {
            return false;
        }

        var freeFor = current?.IsHeld == true ? time.GetElapsedTime(election.Seen.ChangedAt) - election.ExpiryOf(current) : time.GetElapsedTime(election.Seen.ChangedAt);
        if (freeFor >= settings.HandoverWindow)
        {
            return false;
        }

        if (!takeoverDeferredNoted)
        {
            takeoverDeferredNoted = true;
            Log.TakeoverDeferred(logger, nodeDrain.Reason, Duration.Format(settings.HandoverWindow));
        }

        return true;
    }
}

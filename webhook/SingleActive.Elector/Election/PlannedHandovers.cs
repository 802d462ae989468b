using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.Succession;

namespace SingleActive.Elector.Election;

/// <summary>
/// Handovers the leader starts by itself for maintenance (<see cref="SuccessionPlanner"/>): before its node is drained,
/// and once per rollout to a standby of the newest template revision. Each is a directed handover
/// (<see cref="Handovers.HandOverAsync"/>), so it keeps every guarantee of one.
/// </summary>
internal sealed class PlannedHandovers(
    ElectionSettings settings, TimeProvider time, SuccessionPlanner planner, MaintenanceState maintenance, OperatorControls controls, Handovers handovers, ElectorMetrics metrics, ILogger logger, ILeaderTerm term)
{
    /// <summary>The longest the succession check before a release at deletion or SIGTERM may delay it.</summary>
    public static readonly TimeSpan PlanBeforeReleaseLimit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Hands over when the node drains or a rollout left this leader on an older revision, to the standby the planner
    /// chose; when the node drains and nobody qualifies, says why once per reason (log, Event, the Lease's
    /// last-handover, <c>single_active_elector_drain_handover_blocked</c>) and keeps leading.
    /// </summary>
    /// <returns><c>true</c> when the Lease was released to the chosen replica: that write was this round's.</returns>
    public async Task<bool> HandleAsync(CancellationToken stop)
    {
        var current = term.OwnTermAsSeen();
        var drain = maintenance.Drain;
        var paused = controls.IsPaused;
        maintenance.NotePaused(paused);
        if (current is null || current.Controls?.PreferredHolder is not null || !maintenance.TakeSuccessionCheck())
        {
            return false; // An operator's request, if any, is answered first (Handovers.HandleRequestAsync).
        }

        SuccessionPlan plan;
        try
        {
            using var timeout = new CancellationTokenSource(settings.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            plan = await planner.PlanAsync(drain, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError(ApiOperation.Pods);
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

        maintenance.SetOutdated(plan.Outdated);
        if (term.OwnTermAsSeen()?.ResourceVersion != current.ResourceVersion || !maintenance.TakePlan(plan))
        {
            return false; // Checking took API calls: act only on what is still this term's latest state.
        }

        var record = new HandoverRecord(plan.Trigger ?? PlannedHandover.Rollout, plan.Target, settings.Identity, HandoverOutcome.Refused, plan.Reason, time.GetUtcNow());
        switch (plan.Action)
        {
            case SuccessionAction.HandOver:
                await handovers.HandOverAsync(current, record with { Outcome = HandoverOutcome.InProgress }).ConfigureAwait(false);
                return true;
            case SuccessionAction.Blocked:
                if (!await handovers.AnswerAsync(current, record, stop).ConfigureAwait(false))
                {
                    maintenance.BlockedReportLost(plan);
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Before a release at the pod's deletion or at SIGTERM: the standby that should take over when maintenance is the
    /// reason (the node drains, or a rollout is replacing this pod), so others defer to it for the handover window.
    /// <c>null</c> (an open release, anyone may take it) when nothing calls for a choice, nobody qualifies, failover
    /// is paused, or the check did not finish within <see cref="PlanBeforeReleaseLimit"/>.
    /// </summary>
    public async Task<HandoverRecord?> SuccessorForReleaseAsync()
    {
        if (controls.IsPaused)
        {
            return null;
        }

        var drain = maintenance.Drain;
        try
        {
            using var limit = new CancellationTokenSource(PlanBeforeReleaseLimit, time);
            var plan = await planner.PlanReleaseAsync(drain, limit.Token).ConfigureAwait(false);
            return plan.Action == SuccessionAction.HandOver
                ? new HandoverRecord(plan.Trigger!, plan.Target, settings.Identity, HandoverOutcome.InProgress, plan.Reason, time.GetUtcNow())
                : null;
        }
        catch (Exception e)
        {
            metrics.RecordApiError(ApiOperation.Pods);
            Log.SuccessionPlanFailed(logger, drain.Draining ? PlannedHandover.NodeDrain : PlannedHandover.Rollout, ErrorText.Of(e));
            return null;
        }
    }
}

using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.NodeDrain;
using SingleActive.Elector.Succession;

namespace SingleActive.Elector.Election;

/// <summary>
/// What this replica knows of maintenance around it — its node about to be drained, its pod left on an older
/// template revision by a rollout — and what follows for the election: its candidacy, when a leader checks for a
/// planned handover, whether a drain's blocked handover was already reported, and whether a standby on a draining
/// node leaves a free Lease to others first. Thread-safe.
/// </summary>
internal sealed class MaintenanceState(ElectionSettings settings, TimeProvider time, ElectorMetrics metrics, ILogger logger)
{
    private readonly Lock gate = new();
    private NodeDrainState nodeDrain = NodeDrainState.Unknown;
    private bool outdated;
    private long lastSuccessionCheck;
    private bool successionChecked;
    private string? blockedReported;
    private TimeSpan blockedBackoff; // While a drain's handover stays blocked: the wait before the next check (zero: every round).
    private bool paused;
    private bool takeoverDeferredNoted;

    public NodeDrainState Drain
    {
        get
        {
            lock (gate)
            {
                return nodeDrain;
            }
        }
    }

    /// <summary>How long after the last check the next is due (see <see cref="SuccessionCheckInterval"/>). Under <see cref="gate"/>.</summary>
    private TimeSpan NextCheckWait => outdated ? TimeSpan.Zero : nodeDrain.Draining ? blockedBackoff : SuccessionCheckInterval;

    /// <summary>
    /// How often a leader checks, while nothing is known to be going on, whether a rollout has started (its pod's
    /// ReplicaSet and Deployment read): five retry periods, 10 s by default. While a rollout is under way it checks every
    /// round; while its node drains, every round until a check finds the handover blocked (no standby on another node),
    /// then after a retry period, doubling up to this interval while it stays blocked: a node cordoned for days must not
    /// have its leader list the pods every 2 s, and a standby that shows up elsewhere is still found within this interval.
    /// </summary>
    public TimeSpan SuccessionCheckInterval => settings.Timings.RetryPeriod * 5;

    /// <summary>The node watch's news: forgets what was reported about the previous state.</summary>
    public void OnNodeDrainChanged(NodeDrainState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (gate)
        {
            nodeDrain = state;
            blockedReported = null;
            blockedBackoff = TimeSpan.Zero;
            takeoverDeferredNoted = false;
        }

        if (!state.Draining)
        {
            metrics.DrainHandoverBlocked = false;
        }
    }

    /// <summary>Whether this replica could take the Lease now, and why not, for its candidacy condition.</summary>
    public (bool Candidate, string Reason, string Why) Candidacy(bool appHealthy)
    {
        var drain = Drain;
        if (drain.Draining)
        {
            return (false, drain.Unreachable ? PodConditions.CandidateNodeUnreachable : PodConditions.CandidateNodeDraining, drain.Reason);
        }

        return appHealthy ? (true, PodConditions.CandidateReady, "its app is healthy") : (false, PodConditions.CandidateAppUnhealthy, "its app has not passed its health check (its readinessProbe, or an app container that does not run or restarted less than 10 s ago)");
    }

    /// <summary>
    /// Failover as the leader last read it: paused or resumed since then, a drain's blocked handover may have become
    /// possible (a resume) or blocked for another reason, so the next check is due at once.
    /// </summary>
    public void NotePaused(bool isPaused)
    {
        lock (gate)
        {
            if (paused != isPaused)
            {
                paused = isPaused;
                blockedBackoff = TimeSpan.Zero;
            }
        }
    }

    /// <summary>A planned-handover check is due now (and is counted as made): see <see cref="SuccessionCheckInterval"/> for when.</summary>
    public bool TakeSuccessionCheck()
    {
        lock (gate)
        {
            if (successionChecked && time.GetElapsedTime(lastSuccessionCheck) < NextCheckWait)
            {
                return false;
            }

            successionChecked = true;
            lastSuccessionCheck = time.GetTimestamp();
            return true;
        }
    }

    /// <summary>
    /// A blocked handover's report (<see cref="TakePlan"/>) was not written (a conflict on the Lease): the next round checks
    /// again, and its plan with the same reason is taken again, so the report is made once it can be.
    /// </summary>
    public void BlockedReportLost(SuccessionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (gate)
        {
            blockedBackoff = TimeSpan.Zero;
            if (blockedReported == plan.Reason)
            {
                blockedReported = null;
            }
        }
    }

    /// <summary>Takes in a plan's finding; <c>false</c> when it is a blocked handover already reported for this reason.</summary>
    public bool TakePlan(SuccessionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (gate)
        {
            var retry = settings.Timings.RetryPeriod;
            blockedBackoff = plan.Action != SuccessionAction.Blocked || !nodeDrain.Draining ? TimeSpan.Zero
                : blockedBackoff < retry ? retry
                : blockedBackoff * 2 < SuccessionCheckInterval ? blockedBackoff * 2 : SuccessionCheckInterval;
            if (plan.Action == SuccessionAction.Blocked && plan.Reason == blockedReported)
            {
                return false;
            }

            blockedReported = plan.Action == SuccessionAction.Blocked ? plan.Reason : null;
        }

        metrics.DrainHandoverBlocked = plan.Action == SuccessionAction.Blocked;
        return true;
    }

    /// <summary>Whether a rollout left this pod on an older template revision, as the last plan found.</summary>
    public void SetOutdated(bool value)
    {
        lock (gate)
        {
            outdated = value;
        }
    }

    /// <summary>
    /// A standby on a draining node leaves a free Lease to standbys elsewhere for the handover window (timed from when
    /// the Lease became free, <paramref name="freeFor"/>): it takes it only if none did by then.
    /// </summary>
    public bool DefersTakeover(TimeSpan freeFor)
    {
        NodeDrainState drain;
        lock (gate)
        {
            drain = nodeDrain;
            if (!drain.Draining || freeFor >= settings.HandoverWindow)
            {
                return false;
            }

            if (takeoverDeferredNoted)
            {
                return true;
            }

            takeoverDeferredNoted = true;
        }

        Log.TakeoverDeferred(logger, drain.Reason, Duration.Format(settings.HandoverWindow));
        return true;
    }
}

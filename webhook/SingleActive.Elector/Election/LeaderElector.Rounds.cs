using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>The Lease rounds: acquire, renew and release, each one read-decide-write with a precondition.</summary>
public sealed partial class LeaderElector
{
    /// <summary>One acquire attempt, bounded by <see cref="ElectionSettings.AttemptTimeout"/> (the next round, a retry period later, tries again).</summary>
    private async Task TryAcquireAsync(CancellationToken stop)
    {
        var attemptStart = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.AttemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        var outcome = Reported(await round.AttemptAsync(null, leadingNow: false, linked.Token, stop).ConfigureAwait(false));
        if (outcome.Written is { } won)
        {
            BecomeLeader(won, outcome.PreviousHolder, attemptStart);
            ReportHandoverEnded(won);
        }
    }

    /// <summary>
    /// Renews within what is left of the renew deadline. An attempt that times out is retried at
    /// once, each attempt bounded by <see cref="ElectionSettings.AttemptTimeout"/>: a renew
    /// stuck on one dead connection (cancelling it closes that connection) then gets another try on
    /// a fresh one instead of costing the leadership.
    /// </summary>
    private async Task RenewAsync(CancellationToken stop)
    {
        long renewStart;
        lock (gate)
        {
            renewStart = election.LastRenewStart;
        }

        while (Timings.RenewDeadline - time.GetElapsedTime(renewStart) is var remaining && remaining > TimeSpan.Zero)
        {
            var attemptStart = time.GetTimestamp();
            LeaseRecord? own;
            lock (gate)
            {
                own = election.Own;
            }

            using var timeout = new CancellationTokenSource(remaining < settings.AttemptTimeout ? remaining : settings.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            var outcome = Reported(await round.AttemptAsync(own, leadingNow: true, linked.Token, stop).ConfigureAwait(false));
            lock (gate)
            {
                if (!election.IsLeading)
                {
                    // The Lease was removed meanwhile (Observe stepped down); the next round campaigns anew.
                    return;
                }

                if (outcome.Written is { } renewed)
                {
                    election.Renewed(renewed, attemptStart);
                }
            }

            if (outcome.Written is not null)
            {
                metrics.RecordRenew(time.GetElapsedTime(attemptStart));
                return;
            }

            if (outcome.HeldBy is { } other)
            {
                Lose(LeadershipLossReason.LeaseTaken, other);
                return;
            }

            Log.RenewFailed(logger, Duration.Format(time.GetElapsedTime(renewStart)), outcome.Error is null ? "conflict" : ErrorTextOf(outcome.Error));
            if (!outcome.TimedOut)
            {
                break; // Failed fast: the next round, a retry period later, tries again.
            }
        }

        if (time.GetElapsedTime(renewStart) >= Timings.RenewDeadline)
        {
            Lose(LeadershipLossReason.RenewDeadlineExceeded, null);
        }
    }

    /// <summary>Counts and logs a failed API call of a round.</summary>
    private LeaseRoundOutcome Reported(LeaseRoundOutcome outcome)
    {
        if (outcome.Error is { } error)
        {
            metrics.RecordApiError(outcome.FailedOperation!);
            Log.ApiCallFailed(logger, outcome.FailedOperation!, ErrorTextOf(error));
        }

        return outcome;
    }

    private static string ErrorTextOf(Exception error) => error is OperationCanceledException ? "timed out" : ErrorText.Of(error);

    /// <summary>
    /// The write this replica may make now: the election's rules (<see cref="LeaseElection.Allows"/>), then (when it
    /// does not lead) the operator's; a new term carries the operator's annotations as <see cref="ControlsOfNewTerm"/> says.
    /// </summary>
    private LeaseWrite? DecideLocked(LeaseRecord? current, bool leadingNow)
    {
        if (!election.Allows(current, leadingNow) || (!leadingNow && !(OperatorAllowsLocked(current) && !DefersTakeoverLocked(current))))
        {
            return null;
        }

        var previousHolder = election.Seen.PreviousHolderOf(current);
        return new LeaseWrite(election.Desired(current, leadingNow, previousHolder, ControlsOfNewTerm), previousHolder);
    }

    private bool IsLeading()
    {
        lock (gate)
        {
            return election.IsLeading;
        }
    }

    /// <summary>
    /// Gives the Lease up for a quick handover: clear the holder, lease duration 1 s, on the record
    /// we last wrote (resourceVersion precondition, so a Lease someone else took is never touched).
    /// Readiness is already false when this starts. With <paramref name="successor"/> (maintenance: a drain, a rollout)
    /// the release names that standby as the only one that may take it for the handover window, as a directed
    /// handover does.
    /// </summary>
    private async Task ReleaseAsync(LeadershipLossReason reason, CancellationToken ct, HandoverRecord? successor = null)
    {
        LeaseRecord? current;
        lock (gate)
        {
            current = election.Own;
        }

        if (current is null)
        {
            return;
        }

        Lose(reason, null);
        await AwaitKubeletAsync(reason, ct).ConfigureAwait(false);
        try
        {
            // The releaser names itself: a successor that did not see this term (started later,
            // or missed it) still knows whose pod to demote in label mode.
            var written = await round.ReleaseAsync(current, settings.Identity, record => Release(record, successor), ct).ConfigureAwait(false);
            if (written is not null)
            {
                Observe(written);
                Log.Released(logger, ElectorMetrics.ReasonLabel(reason));
                if (successor is not null)
                {
                    metrics.RecordHandover(successor.Outcome);
                    Log.HandingOver(logger, successor.Target!, successor.Requested);
                    operatorSupport?.Observer.OnHandover(successor);
                }
            }
        }
        catch (Exception e)
        {
            metrics.RecordApiError("release");
            Log.ReleaseFailed(logger, ElectorMetrics.ReasonLabel(reason), ErrorText.Of(e));
        }
    }

    /// <summary>
    /// Readiness mode: holds a voluntary release until this pod's kubelet has seen it not ready (or it is being
    /// deleted), at most <see cref="PodDeletion.OwnPodReadiness.CatchUpLimit"/>; see <see cref="PodDeletion.OwnPodReadiness"/>.
    /// </summary>
    private async Task AwaitKubeletAsync(LeadershipLossReason reason, CancellationToken ct)
    {
        if (ownPod is null)
        {
            return;
        }

        var start = time.GetTimestamp();
        var seen = await ownPod.WaitForKubeletAsync(ct).ConfigureAwait(false);
        Log.ReleaseAfterKubelet(logger, ElectorMetrics.ReasonLabel(reason), Duration.Format(time.GetElapsedTime(start)), seen ? "the pod is out of the endpoints" : "waited the longest a kubelet takes");
    }

    private LeaseRecord Release(LeaseRecord current, HandoverRecord? successor)
    {
        var released = election.Released(current);
        return successor is null ? released : released with { Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = successor.Target, LastHandover = successor } };
    }

    /// <summary>The elector's side of <see cref="LeaseRound"/>: each call under its lock.</summary>
    private sealed class Campaign(LeaderElector elector) : ILeaseCampaign
    {
        public bool IsLeading => elector.IsLeading();

        public void Observe(LeaseRecord? record) => elector.Observe(record);

        public LeaseWrite? Decide(LeaseRecord? current, bool leadingNow)
        {
            lock (elector.gate)
            {
                return elector.DecideLocked(current, leadingNow);
            }
        }
    }
}

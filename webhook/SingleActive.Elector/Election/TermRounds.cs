using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;
using SingleActive.Elector.PodDeletion;

namespace SingleActive.Elector.Election;

/// <summary>
/// The elector's Lease writes with their bounds, retries and reports: acquire, renew within the renew deadline, and
/// release. Each is a <see cref="LeaseRound"/>; what they change in the election goes through the elector
/// (<see cref="ILeaderTerm"/>) and, for <paramref name="election"/>, under its lock (<paramref name="gate"/>).
/// </summary>
internal sealed class TermRounds(
    ElectionSettings settings, LeaseElection election, Lock gate, LeaseRound round, TimeProvider time, OperatorControls controls, OwnPodReadiness? ownPod, ElectorMetrics metrics, ILogger logger, ILeaderTerm term, ReleaseWrites releases)
{
    private readonly LeaseAttempt attempt = new(round, gate, time, settings.AttemptTimeout / 3);

    /// <summary>
    /// Under the elector's lock: the watch showed a write of this replica's, decided at <paramref name="decidedAt"/>,
    /// written after all; the attempt in flight ends when it is not that write's own (<see cref="LeaseAttempt"/>). A new
    /// term is acted on only within <see cref="ElectionSettings.TakeUpWindow"/> (an older one is written over).
    /// </summary>
    /// <returns>Whether the election loop, idle, should wake to take up a landed term (<see cref="TakeUpLandedTerm"/>).</returns>
    public bool OwnWriteLanded(LeaseChange change, long decidedAt)
    {
        var newTerm = change == LeaseChange.OwnTermLanded;
        if (newTerm && time.GetElapsedTime(decidedAt) >= settings.TakeUpWindow)
        {
            return false; // The next round writes a newer term over it.
        }

        var attemptInFlight = attempt.EndIfEarlierWriteLanded(decidedAt, newTerm);
        return newTerm && !attemptInFlight;
    }

    /// <summary>
    /// One acquire attempt, bounded by <see cref="ElectionSettings.AttemptTimeout"/> (the next round, a retry period later,
    /// tries again). Before and after it, a term this replica tried to start earlier and saw written after its attempt
    /// was abandoned is taken up (<see cref="TakeUpLandedTerm"/>).
    /// </summary>
    public async Task TryAcquireAsync(CancellationToken stop)
    {
        if (TakeUpLandedTerm())
        {
            return;
        }

        var attemptStart = time.GetTimestamp();
        var outcome = await attempt.RunAsync(null, leadingNow: false, settings.AttemptTimeout, stop).ConfigureAwait(false);
        if (outcome.Written is { } won)
        {
            ownPod?.TermStarted();
            term.BecomeLeader(won, outcome.PreviousHolder, attemptStart);
            controls.ReportHandoverEnded(won);
        }
        else if (!TakeUpLandedTerm())
        {
            Reported(outcome);
        }
    }

    /// <summary>
    /// Leads in the term the Lease holds when this replica tried to start it and saw it written only after the attempt
    /// was abandoned, from when that attempt was decided: every other replica saw the term start later, so it is as safe
    /// as an answered write. Only within <see cref="ElectionSettings.TakeUpWindow"/> of that, leaving the first renew
    /// time to land; an older one is left to the next round, which starts a newer term over it (log event 73).
    /// </summary>
    private bool TakeUpLandedTerm()
    {
        if (Locked(() => election.LandedOwnTerm(settings.TakeUpWindow)) is not var (state, tried, decidedAt))
        {
            return false;
        }

        Log.TermLandedLate(logger, state.LeaseTransitions, Duration.Format(time.GetElapsedTime(decidedAt)));
        ownPod?.TermStarted();
        term.BecomeLeader(state, tried.PreviousHolder, decidedAt);
        controls.ReportHandoverEnded(state);
        return true;
    }

    /// <summary>
    /// Renews within what is left of the renew deadline. An attempt that times out is retried at once, each bounded by
    /// <see cref="ElectionSettings.AttemptTimeout"/>: a renew stuck on one dead connection (cancelling it closes that
    /// connection) then gets another try on a fresh one instead of costing the leadership.
    /// </summary>
    public async Task RenewAsync(CancellationToken stop)
    {
        var renewStart = Locked(() => election.LastRenewStart);
        while (settings.Timings.RenewDeadline - time.GetElapsedTime(renewStart) is var remaining && remaining > TimeSpan.Zero)
        {
            var attemptStart = time.GetTimestamp();
            var own = Locked(() => election.Own);
            var outcome = await attempt.RunAsync(own, leadingNow: true, remaining < settings.AttemptTimeout ? remaining : settings.AttemptTimeout, stop).ConfigureAwait(false);
            long landedFrom;
            lock (gate)
            {
                if (!election.IsLeading)
                {
                    return; // The Lease was removed meanwhile (Observe stepped down); the next round campaigns anew.
                }

                if (outcome.Written is { } renewed)
                {
                    election.Renewed(renewed, attemptStart);
                }

                landedFrom = election.LastRenewStart;
            }

            if (outcome.Written is not null)
            {
                metrics.RecordRenew(time.GetElapsedTime(attemptStart));
                return;
            }

            if (outcome.HeldBy is null && LandedLate(landedFrom, renewStart))
            {
                return;
            }

            Reported(outcome);
            if (outcome.HeldBy is { } other)
            {
                term.Lose(LeadershipLossReason.LeaseTaken, other);
                return;
            }

            Log.RenewFailed(logger, Duration.Format(time.GetElapsedTime(renewStart)), outcome.Error is null ? "conflict" : ElectorCampaign.ErrorTextOf(outcome.Error));
            if (!outcome.TimedOut)
            {
                break; // Failed fast: the next round, a retry period later, tries again.
            }
        }

        if (!LandedLate(Locked(() => election.LastRenewStart), renewStart) && time.GetElapsedTime(renewStart) >= settings.Timings.RenewDeadline)
        {
            term.Lose(LeadershipLossReason.RenewDeadlineExceeded, null);
        }
    }

    /// <summary>
    /// An abandoned attempt of this renew was written after all, seen on the watch or in a conflict's read (sustained
    /// write latency above the attempt timeout): the term goes on from when it was sent (<paramref name="renewed"/>, the
    /// election's last renew start, no longer <paramref name="renewStart"/>), and an attempt then in flight, a write on a
    /// resourceVersion that is gone, was ended (<see cref="OwnWriteLanded"/>), not failed. Counted and logged.
    /// </summary>
    private bool LandedLate(long renewed, long renewStart)
    {
        if (renewed == renewStart)
        {
            return false;
        }

        metrics.RecordRenew(time.GetElapsedTime(renewed));
        Log.RenewLandedLate(logger, Duration.Format(time.GetElapsedTime(renewed)));
        return true;
    }

    /// <summary>
    /// Gives the Lease up for a quick handover (<see cref="LeaseElection.Released"/>) on the record last written, so a
    /// Lease someone else took is never touched. Readiness is already false when this starts. With
    /// <paramref name="successor"/> (maintenance: a drain, a rollout) only that standby may take it for the handover
    /// window, as in a directed handover. The write is tried again within the renew deadline, counted from here
    /// (<see cref="ReleaseWrites"/>); <paramref name="ct"/>, which its callers set to the renew deadline too, ends it as well.
    /// </summary>
    public async Task ReleaseAsync(LeadershipLossReason reason, CancellationToken ct, HandoverRecord? successor = null)
    {
        if (Locked(() => election.Own) is not { } current)
        {
            return;
        }

        var start = time.GetTimestamp();
        term.Lose(reason, null);
        await AwaitKubeletAsync(reason, ct).ConfigureAwait(false);
        var label = ElectorMetrics.ReasonLabel(reason);
        var (written, failure) = await releases.WriteAsync(
            attempt => round.ReleaseAsync(current, settings.Identity, record => Released(record, successor), attempt), label, start, ct).ConfigureAwait(false);
        if (written is not null)
        {
            ReportReleased(written, reason, successor);
        }
        else if (failure is not null)
        {
            Log.ReleaseFailed(logger, label, failure);
        }
    }

    /// <summary>
    /// Readiness mode: holds a voluntary release until this pod's kubelet has seen it not ready (or it is being deleted),
    /// at most <see cref="OwnPodReadiness.CatchUpLimit"/>; see <see cref="OwnPodReadiness"/>.
    /// </summary>
    public async Task AwaitKubeletAsync(LeadershipLossReason reason, CancellationToken ct)
    {
        if (ownPod is null)
        {
            return;
        }

        var start = time.GetTimestamp();
        var seen = await ownPod.WaitForKubeletAsync(ct).ConfigureAwait(false);
        Log.ReleaseAfterKubelet(logger, ElectorMetrics.ReasonLabel(reason), Duration.Format(time.GetElapsedTime(start)), seen ? "the pod is out of the endpoints" : "waited the longest a kubelet takes");
    }

    private void ReportReleased(LeaseRecord written, LeadershipLossReason reason, HandoverRecord? successor)
    {
        term.Observe(written);
        Log.Released(logger, ElectorMetrics.ReasonLabel(reason));
        if (successor is not null)
        {
            metrics.RecordHandover(successor.Outcome);
            Log.HandingOver(logger, successor.Target!, successor.Requested);
            controls.ReportHandover(successor);
        }
    }

    private LeaseRecord Released(LeaseRecord current, HandoverRecord? successor)
    {
        var released = Locked(() => election.Released(current));
        return successor is null ? released : released with { Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = successor.Target, LastHandover = successor } };
    }

    /// <summary>Counts and logs a failed API call of a round.</summary>
    private LeaseRoundOutcome Reported(LeaseRoundOutcome outcome)
    {
        if (outcome.Error is { } error)
        {
            var operation = ApiOperations.Of(outcome.FailedCall!.Value);
            Log.ApiCallFailed(logger, operation.Label(), ElectorCampaign.ErrorTextOf(error));
            metrics.RecordApiError(operation);
        }

        return outcome;
    }

    private T Locked<T>(Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }
}

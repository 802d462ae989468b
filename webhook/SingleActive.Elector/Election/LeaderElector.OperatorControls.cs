using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;

namespace SingleActive.Elector.Election;

/// <summary>
/// The operator's controls on the Lease (<see cref="LeaseControls"/>): a directed handover, which the leader checks and
/// carries out as a release that only the chosen replica may take, and the pause, which keeps every replica but the
/// last holder from taking the Lease. Also this replica's candidacy, advertised on its pod for the leader to read.
/// </summary>
/// <remarks>
/// A directed handover keeps every guarantee of a graceful one, because it is one: the leader stops being ready, then
/// releases the Lease naming itself as the previous holder, and the successor fences it before it serves. What is
/// added is who may take the released Lease: for <see cref="ElectionSettings.HandoverWindow"/> after it saw the
/// release, only the replica named in <see cref="Annotations.PreferredHolder"/>; after that anyone, so a target that
/// died in between costs one window, never the workload.
/// </remarks>
public sealed partial class LeaderElector
{
    private readonly OperatorSupport? operatorSupport;
    private bool pauseSeen;
    private bool takeoverPausedNoted;
    private bool stepDownPausedNoted;
    private (string Why, bool Leading)? advertisedCandidacy;
    private HandoverRecord? handoverEnding;

    /// <summary>The Lease as last seen is paused.</summary>
    public bool IsPaused
    {
        get
        {
            lock (gate)
            {
                return pauseSeen;
            }
        }
    }

    /// <summary>Tells the observer when this replica's ability to take over changes (its app's health, its node draining).</summary>
    private void AdvertiseCandidacy()
    {
        var (candidate, reason, why) = CandidacyNow();
        var isLeading = IsLeading();
        if (operatorSupport is null || (why, isLeading) == advertisedCandidacy)
        {
            return;
        }

        advertisedCandidacy = (why, isLeading);
        operatorSupport.Observer.OnCandidacyChanged(candidate, reason, why, isLeading);
    }

    /// <summary>
    /// Leader: answers a request in <see cref="Annotations.PreferredHolder"/>, read from the Lease as last seen (the
    /// watch brings it within milliseconds). A refusal (or "already leads") clears the request and records why; this
    /// replica goes on leading and renews as usual.
    /// </summary>
    /// <returns><c>true</c> when the Lease was released to the chosen replica: that write was this round's.</returns>
    private async Task<bool> HandleHandoverRequestAsync(CancellationToken stop)
    {
        LeaseRecord? current;
        bool paused;
        lock (gate)
        {
            current = OwnTermAsSeenLocked();
            paused = pauseSeen;
        }

        if (operatorSupport is not { } support || current?.Controls?.PreferredHolder is not { } requested)
        {
            return false;
        }

        HandoverDecision decision;
        using (var timeout = new CancellationTokenSource(settings.AttemptTimeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
        {
            decision = await DecideAsync(support.Pods, requested, paused, linked.Token, stop).ConfigureAwait(false);
        }

        lock (gate)
        {
            // Checking took an API call: act only on what is still this term's latest state.
            if (OwnTermAsSeenLocked()?.ResourceVersion != current.ResourceVersion)
            {
                return false;
            }
        }

        var record = new HandoverRecord(requested, decision.Target, settings.Identity, decision.Outcome, decision.Reason, time.GetUtcNow());
        if (decision.Outcome == HandoverOutcome.InProgress)
        {
            await HandOverAsync(current, record, support, stop).ConfigureAwait(false);
            return true;
        }

        await AnswerHandoverAsync(current, record, support, stop).ConfigureAwait(false);
        return false;
    }

    /// <summary>The Lease as last seen while it still carries this replica's current term, else <c>null</c>.</summary>
    private LeaseRecord? OwnTermAsSeenLocked() =>
        election.IsLeading && election.Seen.Current is { } current && current.HolderIdentity == settings.Identity && current.LeaseTransitions == election.OwnEpoch ? current : null;

    private async Task<HandoverDecision> DecideAsync(ICandidatePods pods, string requested, bool paused, CancellationToken ct, CancellationToken stop)
    {
        if (requested == settings.Identity)
        {
            return HandoverDecision.AlreadyLeads(settings.Identity);
        }

        if (paused)
        {
            return HandoverDecision.Paused();
        }

        try
        {
            return requested == Annotations.AnyHolder
                ? HandoverDecision.ForAny(settings.Identity, pods.LeaseName, await pods.ListAsync(ct).ConfigureAwait(false))
                : HandoverDecision.ForPod(requested, pods.LeaseName, await pods.GetAsync(requested, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError("pods");
            return HandoverDecision.Refuse(requested == Annotations.AnyHolder ? null : requested, $"could not read the pods to check the request: {ErrorText.Of(e)}");
        }
    }

    /// <summary>Clears the request and records the answer; a failed write leaves the request for the next round.</summary>
    private async Task AnswerHandoverAsync(LeaseRecord current, HandoverRecord record, OperatorSupport support, CancellationToken stop)
    {
        var answered = current with { Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = null, LastHandover = record } };
        try
        {
            using var timeout = new CancellationTokenSource(settings.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            var written = await store.ReplaceAsync(answered, linked.Token).ConfigureAwait(false);
            lock (gate)
            {
                election.Rewrote(written);
            }

            Observe(written);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // A conflict is normal (someone wrote meanwhile): the next round reads the request again.
            Log.HandoverAnswerNotWritten(logger, record.Requested, ErrorText.Of(e));
            return;
        }

        metrics.RecordHandover(record.Outcome);
        if (record.Outcome == HandoverOutcome.Refused)
        {
            Log.HandoverRefused(logger, record.Requested, record.Reason);
        }
        else
        {
            Log.HandoverNotNeeded(logger, record.Requested);
        }

        support.Observer.OnHandover(record);
    }

    /// <summary>
    /// A graceful release (readiness first, then the Lease, naming this replica as the previous holder so the
    /// successor fences it) that names the chosen replica as the only one that may take it for the handover window.
    /// If the write fails this replica still holds its term and retakes it at once in the next round.
    /// </summary>
    private async Task HandOverAsync(LeaseRecord current, HandoverRecord record, OperatorSupport support, CancellationToken stop)
    {
        Lose(LeadershipLossReason.HandedOver, record.Target);
        using (var waitLimit = new CancellationTokenSource(Timings.RenewDeadline, time))
        {
            await AwaitKubeletAsync(LeadershipLossReason.HandedOver, waitLimit.Token).ConfigureAwait(false);
        }

        var released = current with
        {
            HolderIdentity = null,
            LeaseDurationSeconds = LeaseRecord.ReleasedLeaseDurationSeconds,
            RenewTime = time.GetUtcNow(),
            PreviousHolder = settings.Identity,
            Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = record.Target, LastHandover = record },
        };
        try
        {
            // Not cut by SIGTERM: this is the release it would ask for (see StepAsync).
            using var timeout = new CancellationTokenSource(Timings.RenewDeadline, time);
            Observe(await store.ReplaceAsync(released, timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            lock (gate)
            {
                election.MayRetake = true;
            }

            metrics.RecordApiError("release");
            Log.HandoverReleaseFailed(logger, record.Target!, ErrorText.Of(e));
            return;
        }

        metrics.RecordHandover(record.Outcome);
        Log.HandingOver(logger, record.Target!, record.Requested);
        support.Observer.OnHandover(record);
    }

    /// <summary>
    /// The operator's rules on top of the election's (<see cref="LeaseElection.Allows"/>), for a replica that does not lead: while
    /// paused only the last holder may take the Lease (its restarted container, or a StatefulSet pod of the same name:
    /// no failover); a Lease handed to another replica is that replica's for the handover window.
    /// </summary>
    private bool OperatorAllowsLocked(LeaseRecord? current)
    {
        if (current?.Controls is not { } controls)
        {
            return true;
        }

        if (controls.Paused)
        {
            var last = current.IsHeld ? current.HolderIdentity : current.PreviousHolder;
            if (last == settings.Identity)
            {
                return true;
            }

            if (!takeoverPausedNoted)
            {
                takeoverPausedNoted = true;
                Log.TakeoverPaused(logger, last ?? "nobody");
                operatorSupport?.Observer.OnTakeoverPaused(last);
            }

            return false;
        }

        return !(current.IsRelease
            && controls.PreferredHolder is { Length: > 0 } preferred && preferred != Annotations.AnyHolder && preferred != settings.Identity
            && time.GetElapsedTime(election.Seen.ChangedAt) < settings.HandoverWindow);
    }

    /// <summary>
    /// The annotations of a new term: a handover in progress ends with it, done when this is the chosen replica,
    /// failed otherwise (the window passed); anything else (a request not yet answered) is carried over for this
    /// replica to answer as the new leader.
    /// </summary>
    private LeaseControls? ControlsOfNewTerm(LeaseRecord? current)
    {
        handoverEnding = null;
        if (current?.Controls is not { } controls || !current.IsRelease || !controls.HandoverInProgress || controls.LastHandover is not { } pending)
        {
            return current?.Controls;
        }

        var target = controls.PreferredHolder!;
        handoverEnding = target == settings.Identity
            ? pending with { Outcome = HandoverOutcome.Done, Reason = $"{target} took the Lease from {pending.From}", At = time.GetUtcNow() }
            : pending with { Outcome = HandoverOutcome.Failed, Reason = $"{target} did not take the released Lease within {Duration.Format(settings.HandoverWindow)}; {settings.Identity} took it", At = time.GetUtcNow() };
        return controls with { PreferredHolder = null, LastHandover = handoverEnding };
    }

    /// <summary>After a won acquisition: reports the end of a handover that this replica's write recorded.</summary>
    private void ReportHandoverEnded(LeaseRecord won)
    {
        if (handoverEnding is { } ended && won.Controls?.LastHandover == ended)
        {
            handoverEnding = null;
            metrics.RecordHandover(ended.Outcome);
            Log.HandoverEnded(logger, ended.Target ?? "?", HandoverRecord.Format(ended.Outcome), ended.Reason);
            operatorSupport?.Observer.OnHandover(ended);
        }
    }

    /// <summary>A leader whose app turned unhealthy keeps the Lease while paused: releasing it would leave nobody leading.</summary>
    private bool KeepsLeadingWhilePaused()
    {
        lock (gate)
        {
            if (!pauseSeen)
            {
                return false;
            }

            if (!stepDownPausedNoted)
            {
                stepDownPausedNoted = true;
                Log.StepDownPaused(logger);
            }

            return true;
        }
    }

    /// <summary>
    /// Tracks the pause as the Lease is seen and says whether the loop should act at once: a leader on a new request,
    /// a standby when the pause is lifted (a released or expired Lease may be taken now).
    /// </summary>
    private bool OperatorNewsLocked(LeaseRecord? before, LeaseRecord? record)
    {
        var paused = record?.Controls?.Paused == true;
        var wasPaused = pauseSeen;
        if (paused != wasPaused)
        {
            pauseSeen = paused;
            takeoverPausedNoted = false;
            stepDownPausedNoted = false;
            metrics.Paused = paused;
            Log.PauseChanged(logger, paused ? "paused" : "resumed", election.IsLeading);
            operatorSupport?.Observer.OnPauseChanged(paused, election.IsLeading);
        }

        var request = record?.Controls?.PreferredHolder;
        return (election.IsLeading && request is not null && request != before?.Controls?.PreferredHolder) || (!election.IsLeading && wasPaused && !paused);
    }
}

using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>
/// The leader's side of a directed handover: it answers the operator's request in
/// <see cref="Annotations.PreferredHolder"/> (read from the Lease as last seen; the watch brings it within
/// milliseconds), and carries out a handover — the operator's or a planned one — as a graceful release that only the
/// chosen replica may take for the handover window (<see cref="OperatorControls.AllowsTakeover"/>).
/// </summary>
internal sealed class Handovers(ElectionSettings settings, ILeaseStore store, TimeProvider time, OperatorSupport support, OperatorControls controls, ElectorMetrics metrics, ILogger logger, ILeaderTerm term, ReleaseWrites releases)
{
    /// <summary>
    /// Answers a request, if any. A refusal (or "already leads") clears the request and records why; this replica goes
    /// on leading and renews as usual.
    /// </summary>
    /// <returns><c>true</c> when the Lease was released to the chosen replica: that write was this round's.</returns>
    public async Task<bool> HandleRequestAsync(CancellationToken stop)
    {
        var current = term.OwnTermAsSeen();
        var paused = controls.IsPaused;
        if (current?.Controls?.PreferredHolder is not { } requested)
        {
            return false;
        }

        HandoverDecision decision;
        using (var timeout = new CancellationTokenSource(settings.AttemptTimeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
        {
            decision = await DecideAsync(requested, paused, linked.Token, stop).ConfigureAwait(false);
        }

        // Checking took an API call: act only on what is still this term's latest state.
        if (term.OwnTermAsSeen()?.ResourceVersion != current.ResourceVersion)
        {
            return false;
        }

        var record = new HandoverRecord(requested, decision.Target, settings.Identity, decision.Outcome, decision.Reason, time.GetUtcNow());
        if (decision.Outcome == HandoverOutcome.InProgress)
        {
            await HandOverAsync(current, record).ConfigureAwait(false);
            return true;
        }

        await AnswerAsync(current, record, stop).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Clears the request and records the answer (a refusal, "already leads", or a drain's blocked handover); a failed
    /// write leaves the request for the next round.
    /// </summary>
    /// <returns>Whether the answer was written.</returns>
    public async Task<bool> AnswerAsync(LeaseRecord current, HandoverRecord record, CancellationToken stop)
    {
        var answered = current with { Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = null, LastHandover = record } };
        try
        {
            using var timeout = new CancellationTokenSource(settings.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            term.Rewrote(await store.ReplaceAsync(answered, linked.Token).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // A conflict is normal (someone wrote meanwhile): the next round reads the request again.
            Log.HandoverAnswerNotWritten(logger, record.Requested, ErrorText.Of(e));
            return false;
        }

        metrics.RecordHandover(record.Outcome);
        if (record.Outcome == HandoverOutcome.Refused && record.Requested == PlannedHandover.NodeDrain)
        {
            Log.DrainHandoverBlocked(logger, record.Reason);
        }
        else if (record.Outcome == HandoverOutcome.Refused)
        {
            Log.HandoverRefused(logger, record.Requested, record.Reason);
        }
        else
        {
            Log.HandoverNotNeeded(logger, record.Requested);
        }

        support.Observer.OnHandover(record);
        return true;
    }

    /// <summary>
    /// A graceful release (readiness first, then the Lease, naming this replica as the previous holder so the
    /// successor fences it) that names the chosen replica as the only one that may take it for the handover window.
    /// The write is tried again like any release (<see cref="ReleaseWrites"/>) within the renew deadline, counted from
    /// the start including the kubelet wait, and not cut by SIGTERM: this is the release it would ask for. Every attempt
    /// writes over the state the decision was made on, so a conflict (the operator changed the request, or paused) ends
    /// it; unless an earlier attempt had landed unseen, this replica still holds its term then and retakes it at once in
    /// the next round, which decides again on what is there (a request still in the Lease is answered again).
    /// </summary>
    public async Task HandOverAsync(LeaseRecord current, HandoverRecord record)
    {
        var start = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(settings.Timings.RenewDeadline, time);
        term.Lose(LeadershipLossReason.HandedOver, record.Target);
        await term.AwaitKubeletAsync(LeadershipLossReason.HandedOver, deadline.Token).ConfigureAwait(false);

        var attempts = 0;
        var (written, failure) = await releases.WriteAsync(
            async attempt =>
            {
                try
                {
                    attempts++;
                    return await store.ReplaceAsync(HandedOver(current, record), attempt).ConfigureAwait(false);
                }
                catch (LeaseConflictException) when (attempts > 1)
                {
                    // An earlier attempt may have landed with its answer lost: then the Lease shows this handover.
                    if (await store.GetAsync(attempt).ConfigureAwait(false) is { } now && Shows(now, record))
                    {
                        return now;
                    }

                    throw;
                }
            },
            ElectorMetrics.ReasonLabel(LeadershipLossReason.HandedOver),
            start,
            deadline.Token).ConfigureAwait(false);
        if (written is null)
        {
            term.AllowRetake();
            Log.HandoverReleaseFailed(logger, record.Target!, failure!);
            return;
        }

        term.Observe(written);
        metrics.RecordHandover(record.Outcome);
        Log.HandingOver(logger, record.Target!, record.Requested);
        support.Observer.OnHandover(record);
    }

    /// <summary>
    /// <paramref name="lease"/> is past this replica's term by <paramref name="record"/>'s handover: released to its
    /// target, or already taken (the taker keeps the record's request, target and releaser, and adds how it ended).
    /// Within the renew deadline nobody can have taken this replica's Lease by expiry instead.
    /// </summary>
    private bool Shows(LeaseRecord lease, HandoverRecord record) =>
        lease.HolderIdentity != settings.Identity
        && lease.Controls?.LastHandover is { } last
        && (last.Requested, last.Target, last.From) == (record.Requested, record.Target, record.From);

    private LeaseRecord HandedOver(LeaseRecord current, HandoverRecord record) => current with
    {
        HolderIdentity = null,
        LeaseDurationSeconds = LeaseRecord.ReleasedLeaseDurationSeconds,
        RenewTime = time.GetUtcNow(),
        PreviousHolder = settings.Identity,
        Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = record.Target, LastHandover = record },
    };

    private async Task<HandoverDecision> DecideAsync(string requested, bool paused, CancellationToken ct, CancellationToken stop)
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
            var pods = support.Pods;
            return requested == Annotations.AnyHolder
                ? HandoverDecision.ForAny(settings.Identity, pods.LeaseName, await pods.ListAsync(ct).ConfigureAwait(false))
                : HandoverDecision.ForPod(requested, pods.LeaseName, await pods.GetAsync(requested, ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            metrics.RecordApiError(ApiOperation.Pods);
            return HandoverDecision.Refuse(requested == Annotations.AnyHolder ? null : requested, $"could not read the pods to check the request: {ErrorText.Of(e)}");
        }
    }
}

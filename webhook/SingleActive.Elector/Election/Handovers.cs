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
internal sealed class Handovers(ElectionSettings settings, ILeaseStore store, TimeProvider time, OperatorSupport support, OperatorControls controls, ElectorMetrics metrics, ILogger logger, ILeaderTerm term)
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
            await HandOverAsync(current, record, stop).ConfigureAwait(false);
            return true;
        }

        await AnswerAsync(current, record, stop).ConfigureAwait(false);
        return false;
    }

    /// <summary>Clears the request and records the answer; a failed write leaves the request for the next round.</summary>
    public async Task AnswerAsync(LeaseRecord current, HandoverRecord record, CancellationToken stop)
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
    public async Task HandOverAsync(LeaseRecord current, HandoverRecord record, CancellationToken stop)
    {
        term.Lose(LeadershipLossReason.HandedOver, record.Target);
        using (var waitLimit = new CancellationTokenSource(settings.Timings.RenewDeadline, time))
        {
            await term.AwaitKubeletAsync(LeadershipLossReason.HandedOver, waitLimit.Token).ConfigureAwait(false);
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
            // Not cut by SIGTERM: this is the release it would ask for.
            using var timeout = new CancellationTokenSource(settings.Timings.RenewDeadline, time);
            term.Observe(await store.ReplaceAsync(released, timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            term.AllowRetake();
            metrics.RecordApiError("release");
            Log.HandoverReleaseFailed(logger, record.Target!, ErrorText.Of(e));
            return;
        }

        metrics.RecordHandover(record.Outcome);
        Log.HandingOver(logger, record.Target!, record.Requested);
        support.Observer.OnHandover(record);
    }

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
            metrics.RecordApiError("pods");
            return HandoverDecision.Refuse(requested == Annotations.AnyHolder ? null : requested, $"could not read the pods to check the request: {ErrorText.Of(e)}");
        }
    }
}

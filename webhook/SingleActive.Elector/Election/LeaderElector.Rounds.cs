using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Leases;
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
        var outcome = await AttemptAsync(leadingNow: false, linked.Token, stop).ConfigureAwait(false);
        if (outcome.Record is { } won)
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
            renewStart = lastRenewStart;
        }

        while (Timings.RenewDeadline - time.GetElapsedTime(renewStart) is var remaining && remaining > TimeSpan.Zero)
        {
            var attemptStart = time.GetTimestamp();
            using var timeout = new CancellationTokenSource(remaining < settings.AttemptTimeout ? remaining : settings.AttemptTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            var outcome = await AttemptAsync(leadingNow: true, linked.Token, stop).ConfigureAwait(false);
            lock (gate)
            {
                if (!leading)
                {
                    // The Lease was removed meanwhile (Observe stepped down); the next round campaigns anew.
                    return;
                }

                if (outcome.Record is { } renewed)
                {
                    own = renewed;
                    lastRenewStart = attemptStart;
                    ObserveLocked(renewed);
                }
            }

            if (outcome.Record is not null)
            {
                metrics.RecordRenew(time.GetElapsedTime(attemptStart));
                return;
            }

            if (outcome.HeldBy is { } other)
            {
                Lose(LeadershipLossReason.LeaseTaken, other);
                return;
            }

            Log.RenewFailed(logger, Duration.Format(time.GetElapsedTime(renewStart)), outcome.Error ?? "conflict");
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

    /// <summary>
    /// One read-decide-write round. A standby reads first; a leader writes on the record it last
    /// wrote and reads only after a conflict (someone touched the Lease, maybe only its labels).
    /// </summary>
    private async Task<Outcome> AttemptAsync(bool leadingNow, CancellationToken ct, CancellationToken stop)
    {
        var operation = "get";
        try
        {
            LeaseRecord? current;
            lock (gate)
            {
                current = own;
            }

            if (!leadingNow || current is null)
            {
                current = await store.GetAsync(ct).ConfigureAwait(false);
                Observe(current);
            }

            for (var round = 0; round < 2; round++)
            {
                if (leadingNow && !IsLeading())
                {
                    return default; // What was just read removed the Lease: Observe stepped down.
                }

                if (!CanTake(current, leadingNow))
                {
                    return new Outcome(null, null, current?.HolderIdentity, null, false);
                }

                var previousHolder = PreviousHolderOf(current);
                if (current is null)
                {
                    operation = "create";
                    try
                    {
                        return new Outcome(await store.CreateAsync(Desired(null, leadingNow, previousHolder), ct).ConfigureAwait(false), previousHolder, null, null, false);
                    }
                    catch (LeaseConflictException)
                    {
                        return default;
                    }
                }

                operation = "update";
                try
                {
                    var written = await store.ReplaceAsync(Desired(current, leadingNow, previousHolder), ct).ConfigureAwait(false);
                    return new Outcome(written, previousHolder, null, null, false);
                }
                catch (LeaseConflictException) when (leadingNow && round == 0)
                {
                    operation = "get";
                    current = await store.GetAsync(ct).ConfigureAwait(false);
                    Observe(current);
                }
                catch (LeaseConflictException)
                {
                    return default; // Someone else wrote first: they won this round.
                }
            }

            return default;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            metrics.RecordApiError(operation);
            Log.ApiCallFailed(logger, operation, "timed out");
            return new Outcome(null, null, null, "timed out", true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.RecordApiError(operation);
            Log.ApiCallFailed(logger, operation, ErrorText.Of(e));
            return new Outcome(null, null, null, ErrorText.Of(e), e is TimeoutException);
        }
    }

    /// <summary>
    /// A leader may renew a record that still carries its own term; anyone else must wait for the
    /// holder to expire. That includes a record naming this very identity while this process does
    /// not lead: a restarted container waits one lease duration (no longer than a standby would),
    /// and two processes given the same POD_NAME by mistake can never both lead. An absent or
    /// cleared Lease is free after a release; otherwise the term seen last runs on until it would
    /// have expired (<see cref="LeaseObservation"/>), unless this process led it and stepped down.
    /// (<see cref="CanTake"/> adds the operator's pause and directed handover.)
    /// </summary>
    private bool ElectionAllows(LeaseRecord? current, bool leadingNow)
    {
        lock (gate)
        {
            if (current?.IsHeld == true && current.HolderIdentity == settings.Identity)
            {
                if (leadingNow)
                {
                    // Same name but another term: someone else with our identity took it.
                    return own is null || own.LeaseTransitions == current.LeaseTransitions;
                }

                if (mayRetake && current.LeaseTransitions == ownEpoch)
                {
                    return true; // The term this process stepped down from (a late event said it was removed).
                }
            }

            if (current?.IsHeld == true)
            {
                return seen.HasObserved && time.GetElapsedTime(seen.ChangedAt) >= ExpiryOf(current);
            }

            return mayRetake || seen.Term is not { } term || time.GetElapsedTime(seen.TermSince) >= ExpiryOf(term);
        }
    }

    /// <summary>
    /// The longer of our own lease duration and the one the holder wrote: the holder's renew
    /// deadline was validated against its own duration, ours against ours.
    /// </summary>
    private TimeSpan ExpiryOf(LeaseRecord record) =>
        TimeSpan.FromSeconds(Math.Max(record.LeaseDurationSeconds, (int)Timings.LeaseDuration.TotalSeconds));

    private LeaseRecord Desired(LeaseRecord? current, bool leadingNow, string? previousHolder)
    {
        var now = time.GetUtcNow();

        // A new term (even after a restart of this same pod) gets a new epoch, above every epoch
        // seen (also when the Lease was deleted and is created anew), so an app fencing on
        // leaseTransitions never confuses two tenures.
        var continuing = leadingNow && current?.HolderIdentity == settings.Identity;
        int epoch;
        lock (gate)
        {
            epoch = continuing ? current!.LeaseTransitions : seen.NextEpoch(current);
        }

        return new LeaseRecord(
            settings.Identity,
            (int)Timings.LeaseDuration.TotalSeconds,
            continuing ? current!.AcquireTime : now,
            now,
            epoch,
            current?.ResourceVersion,
            continuing ? current!.PreviousHolder : previousHolder,
            continuing ? current!.Controls : ControlsOfNewTerm(current));
    }

    private string? PreviousHolderOf(LeaseRecord? current)
    {
        lock (gate)
        {
            return seen.PreviousHolderOf(current);
        }
    }

    private bool IsLeading()
    {
        lock (gate)
        {
            return leading;
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
            current = own;
        }

        if (current is null)
        {
            return;
        }

        Lose(reason, null);
        await AwaitKubeletAsync(reason, ct).ConfigureAwait(false);
        try
        {
            for (var round = 0; round < 2 && current?.HolderIdentity == settings.Identity; round++)
            {
                // The releaser names itself: a successor that did not see this term (started later,
                // or missed it) still knows whose pod to demote in label mode.
                var released = current with { HolderIdentity = null, LeaseDurationSeconds = LeaseRecord.ReleasedLeaseDurationSeconds, RenewTime = time.GetUtcNow(), PreviousHolder = settings.Identity };
                if (successor is not null)
                {
                    released = released with { Controls = (current.Controls ?? LeaseControls.None) with { PreferredHolder = successor.Target, LastHandover = successor } };
                }

                try
                {
                    var written = await store.ReplaceAsync(released, ct).ConfigureAwait(false);
                    Observe(written);
                    Log.Released(logger, ElectorMetrics.ReasonLabel(reason));
                    if (successor is not null)
                    {
                        metrics.RecordHandover(successor.Outcome);
                        Log.HandingOver(logger, successor.Target!, successor.Requested);
                        operatorSupport?.Observer.OnHandover(successor);
                    }

                    return;
                }
                catch (LeaseConflictException)
                {
                    current = await store.GetAsync(ct).ConfigureAwait(false);
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

    private readonly record struct Outcome(LeaseRecord? Record, string? PreviousHolder, string? HeldBy, string? Error, bool TimedOut);
}

using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Elector.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>The Lease rounds: acquire, renew and release, each one read-decide-write with a precondition.</summary>
public sealed partial class LeaderElector
{
    private async Task TryAcquireAsync(CancellationToken stop)
    {
        var attemptStart = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(Timings.RenewDeadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        var outcome = await AttemptAsync(leadingNow: false, linked.Token, stop).ConfigureAwait(false);
        if (outcome.Record is { } won)
        {
            BecomeLeader(won, outcome.PreviousHolder, attemptStart);
        }
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        long renewStart;
        lock (gate)
        {
            renewStart = lastRenewStart;
        }

        var remaining = Timings.RenewDeadline - time.GetElapsedTime(renewStart);
        if (remaining > TimeSpan.Zero)
        {
            var attemptStart = time.GetTimestamp();
            using var timeout = new CancellationTokenSource(remaining, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            var outcome = await AttemptAsync(leadingNow: true, linked.Token, stop).ConfigureAwait(false);
            if (outcome.Record is { } renewed)
            {
                lock (gate)
                {
                    own = renewed;
                    lastRenewStart = attemptStart;
                    ObserveLocked(renewed);
                }

                metrics.RecordRenew(time.GetElapsedTime(attemptStart));
                return;
            }

            if (outcome.HeldBy is { } other)
            {
                Lose(LeadershipLossReason.LeaseTaken, other);
                return;
            }

            Log.RenewFailed(logger, Duration.Format(time.GetElapsedTime(renewStart)), outcome.Error ?? "conflict");
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
                if (current is null)
                {
                    operation = "create";
                    try
                    {
                        return new Outcome(await store.CreateAsync(Desired(null, leadingNow), ct).ConfigureAwait(false), null, null, null);
                    }
                    catch (LeaseConflictException)
                    {
                        return default;
                    }
                }

                if (!CanTake(current, leadingNow))
                {
                    return new Outcome(null, null, current.HolderIdentity, null);
                }

                operation = "update";
                try
                {
                    var written = await store.ReplaceAsync(Desired(current, leadingNow), ct).ConfigureAwait(false);
                    return new Outcome(written, current.IsHeld ? current.HolderIdentity : null, null, null);
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
            return new Outcome(null, null, null, "timed out");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.RecordApiError(operation);
            Log.ApiCallFailed(logger, operation, ErrorText.Of(e));
            return new Outcome(null, null, null, ErrorText.Of(e));
        }
    }

    /// <summary>
    /// A leader may renew a record that still carries its own term; anyone else must wait for the
    /// holder to expire. That includes a record naming this very identity while this process does
    /// not lead: a restarted container waits one lease duration (no longer than a standby would),
    /// and two processes given the same POD_NAME by mistake can never both lead.
    /// </summary>
    private bool CanTake(LeaseRecord current, bool leadingNow)
    {
        if (!current.IsHeld)
        {
            return true;
        }

        if (current.HolderIdentity == settings.Identity && leadingNow)
        {
            lock (gate)
            {
                // Same name but another term: someone else with our identity took it.
                return own is null || own.LeaseTransitions == current.LeaseTransitions;
            }
        }

        lock (gate)
        {
            return hasObserved && time.GetElapsedTime(observedAt) >= ExpiryOf(current);
        }
    }

    /// <summary>
    /// The longer of our own lease duration and the one the holder wrote: the holder's renew
    /// deadline was validated against its own duration, ours against ours.
    /// </summary>
    private TimeSpan ExpiryOf(LeaseRecord record) =>
        TimeSpan.FromSeconds(Math.Max(record.LeaseDurationSeconds, (int)Timings.LeaseDuration.TotalSeconds));

    private LeaseRecord Desired(LeaseRecord? current, bool leadingNow)
    {
        var now = time.GetUtcNow();

        // A new term (even after a restart of this same pod) gets a new epoch, so an app fencing
        // on leaseTransitions never confuses two tenures.
        var continuing = leadingNow && current?.HolderIdentity == settings.Identity;
        return new LeaseRecord(
            settings.Identity,
            (int)Timings.LeaseDuration.TotalSeconds,
            continuing ? current!.AcquireTime : now,
            now,
            current is null ? 0 : continuing ? current.LeaseTransitions : current.LeaseTransitions + 1,
            current?.ResourceVersion);
    }

    /// <summary>
    /// Gives the Lease up for a quick handover: clear the holder, lease duration 1 s, on the record
    /// we last wrote (resourceVersion precondition, so a Lease someone else took is never touched).
    /// Readiness is already false when this starts.
    /// </summary>
    private async Task ReleaseAsync(LeadershipLossReason reason, CancellationToken ct)
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
        try
        {
            for (var round = 0; round < 2 && current?.HolderIdentity == settings.Identity; round++)
            {
                var released = current with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = time.GetUtcNow() };
                try
                {
                    var written = await store.ReplaceAsync(released, ct).ConfigureAwait(false);
                    Observe(written);
                    Log.Released(logger, ElectorMetrics.ReasonLabel(reason));
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

    private readonly record struct Outcome(LeaseRecord? Record, string? PreviousHolder, string? HeldBy, string? Error);
}

using Microsoft.Extensions.Logging;
using SingleActive.Contract;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>
/// The operator's controls on the Lease (<see cref="LeaseControls"/>) as one replica applies them: the pause, which
/// keeps every replica but the last holder from taking the Lease and a leader from stepping down; the directed
/// handover's window, in which a released Lease is only the chosen replica's; the end of a handover recorded by the
/// term that follows it; and this replica's candidacy, advertised when it changes. Thread-safe.
/// </summary>
/// <remarks>
/// A directed handover keeps every guarantee of a graceful one, because it is one (<see cref="Handovers"/>). What is
/// added is who may take the released Lease: for <see cref="ElectionSettings.HandoverWindow"/> after it saw the
/// release, only the replica named in <see cref="Annotations.PreferredHolder"/>; after that anyone, so a target that
/// died in between costs one window, never the workload.
/// </remarks>
internal sealed class OperatorControls(ElectionSettings settings, TimeProvider time, IOperatorObserver? observer, ElectorMetrics metrics, ILogger logger)
{
    private readonly Lock gate = new();
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

    /// <summary>
    /// Tracks the pause as the Lease is seen and says whether the loop should act at once: a leader on a new request,
    /// a standby when the pause is lifted (a released or expired Lease may be taken now).
    /// </summary>
    public bool Track(LeaseRecord? before, LeaseRecord? record, bool leading)
    {
        var paused = record?.Controls?.Paused == true;
        bool wasPaused;
        lock (gate)
        {
            wasPaused = pauseSeen;
            if (paused != wasPaused)
            {
                pauseSeen = paused;
                takeoverPausedNoted = false;
                stepDownPausedNoted = false;
            }
        }

        if (paused != wasPaused)
        {
            metrics.Paused = paused;
            Log.PauseChanged(logger, paused ? "paused" : "resumed", leading);
            observer?.OnPauseChanged(paused, leading);
        }

        var request = record?.Controls?.PreferredHolder;
        return (leading && request is not null && request != before?.Controls?.PreferredHolder) || (!leading && wasPaused && !paused);
    }

    /// <summary>
    /// The operator's rules on top of the election's (<see cref="LeaseElection.Allows"/>), for a replica that does not
    /// lead: while paused only the last holder may take the Lease (its restarted container, or a StatefulSet pod of the
    /// same name: no failover); a Lease handed to another replica is that replica's for the handover window.
    /// </summary>
    /// <param name="current">The Lease as read.</param>
    /// <param name="sinceChange">How long ago this replica saw the Lease change (by the monotonic clock).</param>
    public bool AllowsTakeover(LeaseRecord? current, TimeSpan sinceChange)
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

            lock (gate)
            {
                if (takeoverPausedNoted)
                {
                    return false;
                }

                takeoverPausedNoted = true;
            }

            Log.TakeoverPaused(logger, last ?? "nobody");
            observer?.OnTakeoverPaused(last);
            return false;
        }

        return !(current.IsRelease
            && controls.PreferredHolder is { Length: > 0 } preferred && preferred != Annotations.AnyHolder && preferred != settings.Identity
            && sinceChange < settings.HandoverWindow);
    }

    /// <summary>
    /// <paramref name="current"/> is a release that names this replica as the one that may take it (a directed or
    /// planned handover, <see cref="Annotations.PreferredHolder"/>), seen <paramref name="sinceChange"/> ago, within the
    /// handover window (after it, anyone may take it).
    /// </summary>
    public bool NamesAsSuccessor(LeaseRecord? current, TimeSpan sinceChange) =>
        current is { IsRelease: true } && current.Controls?.PreferredHolder == settings.Identity && sinceChange < settings.HandoverWindow;

    /// <summary>A leader whose app turned unhealthy keeps the Lease while paused: releasing it would leave nobody leading.</summary>
    public bool KeepsLeadingWhilePaused()
    {
        lock (gate)
        {
            if (!pauseSeen)
            {
                return false;
            }

            if (stepDownPausedNoted)
            {
                return true;
            }

            stepDownPausedNoted = true;
        }

        Log.StepDownPaused(logger);
        return true;
    }

    /// <summary>
    /// The annotations of a new term: a handover in progress ends with it, done when this is the chosen replica,
    /// failed otherwise (the window passed); anything else (a request not yet answered) is carried over for this
    /// replica to answer as the new leader.
    /// </summary>
    public LeaseControls? ControlsOfNewTerm(LeaseRecord? current)
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
    public void ReportHandoverEnded(LeaseRecord won)
    {
        if (handoverEnding is { } ended && won.Controls?.LastHandover == ended)
        {
            handoverEnding = null;
            metrics.RecordHandover(ended.Outcome);
            Log.HandoverEnded(logger, ended.Target ?? "?", HandoverRecord.Format(ended.Outcome), ended.Reason);
            observer?.OnHandover(ended);
        }
    }

    /// <summary>Tells the observer of a handover this replica started (a release to a chosen successor).</summary>
    public void ReportHandover(HandoverRecord record) => observer?.OnHandover(record);

    /// <summary>Tells the observer when this replica's ability to take over, or its leading, changes.</summary>
    public void AdvertiseCandidacy((bool Candidate, string Reason, string Why) candidacy, bool leading)
    {
        if (observer is null || (candidacy.Why, leading) == advertisedCandidacy)
        {
            return;
        }

        advertisedCandidacy = (candidacy.Why, leading);
        observer.OnCandidacyChanged(candidacy.Candidate, candidacy.Reason, candidacy.Why, leading);
    }
}

using Microsoft.Extensions.Logging;
using SingleActive.Core.Leases;
using SingleActive.Elector.Logging;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Election;

/// <summary>
/// The two changes of leading — elected, lost — each applied to the election under the elector's lock
/// (<paramref name="gate"/>) and then told (metric, log line, observer) in the order they happened.
/// </summary>
internal sealed class LeadershipChanges(string identity, LeaseElection election, TermReadiness readiness, Lock gate, ILeadershipObserver observer, ElectorMetrics metrics, ILogger logger)
{
    // Held from a change until the observer has been told of it (always taken before `gate`): a deletion seen on the
    // watch thread right after a win must not reach the reporter before the win does (it would leave a standby
    // labelled leader).
    private readonly Lock notifying = new();

    /// <summary>A write won a new term; <paramref name="attemptStart"/> is the monotonic start of that attempt.</summary>
    public void BecomeLeader(LeaseRecord record, string? previousHolder, long attemptStart)
    {
        // If SIGTERM arrived while the write was in flight, readiness stays false (stopping) and the release on the
        // way out hands the Lease straight back; if Retire did, the next step does (its wake-up is pending).
        lock (notifying)
        {
            lock (gate)
            {
                election.Won(record, attemptStart);
            }

            metrics.RecordElected();
            Log.Elected(logger, identity, record.LeaseTransitions, previousHolder ?? "none");
            observer.OnElected(record, previousHolder);
        }
    }

    /// <summary>Stops leading, if it does; <paramref name="newHolder"/> when known.</summary>
    public void Lose(LeadershipLossReason reason, string? newHolder)
    {
        lock (notifying)
        {
            lock (gate)
            {
                if (!election.IsLeading)
                {
                    return;
                }

                // Stepping down because the Lease was removed under a fresh term: nobody else can hold a newer one
                // (every other replica waits that term out), so this replica may start the next term at once.
                election.StepDown(mayRetake: reason == LeadershipLossReason.LeaseRemoved && readiness.IsFresh);
            }

            metrics.RecordLost(reason);
            Log.LeadershipLost(logger, identity, ElectorMetrics.ReasonLabel(reason), newHolder ?? "unknown");
            observer.OnLost(reason, newHolder);
        }
    }
}

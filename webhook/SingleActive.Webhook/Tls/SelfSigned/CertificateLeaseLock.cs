using System.Runtime.ExceptionServices;
using k8s;
using SingleActive.Core.Leases;

namespace SingleActive.Webhook.Tls.SelfSigned;

/// <summary>
/// One certificate writer at a time among the webhook replicas: a coordination.k8s.io Lease, elected by the same
/// engine as the elector sidecar's (<see cref="LeaseElection"/>, <see cref="LeaseRound"/>): acquired and renewed
/// with resourceVersion preconditions (a lost race is a 409, never two holders), expiry judged by this process's
/// monotonic clock from when it last saw the Lease change (client-go's <c>observedTime</c>), so neither clock skew
/// between nodes nor a jump of the wall clock can make a live holder look expired. Correctness of the Secret does
/// not rest on it (every Secret write has a resourceVersion precondition too); it keeps two replicas from minting CAs.
/// </summary>
/// <remarks>
/// Calls are made one at a time (the manager's poll loop, then <see cref="ReleaseAsync"/> on shutdown). A replica
/// keeps its term across a failed poll and renews it on the next; it stops writing when the Lease names someone else.
/// As in the elector, a Lease naming this identity that this process did not write (a restarted container) is
/// waited out like anyone else's, and a Lease deleted or cleared by someone else keeps its last term running.
/// </remarks>
public sealed class CertificateLeaseLock
{
    private readonly Lock gate = new();
    private readonly LeaseElection election;
    private readonly LeaseRound round;
    private readonly TimeProvider time;

    /// <param name="duration">The lease duration written, rounded up to whole seconds (at least 1).</param>
    public CertificateLeaseLock(IKubernetes client, string @namespace, string name, string identity, TimeSpan duration, TimeProvider timeProvider)
        : this(new CertificateLeaseStore(client, @namespace, name), identity, duration, timeProvider)
    {
    }

    internal CertificateLeaseLock(ILeaseStore store, string identity, TimeSpan duration, TimeProvider timeProvider)
    {
        this.time = timeProvider;
        this.election = new LeaseElection(identity, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(duration.TotalSeconds))), timeProvider);
        round = new LeaseRound(store, new Campaign(this));
    }

    public string Identity => this.election.Identity;

    /// <summary>True when this replica holds the Lease after the call (acquired, renewed or taken over from an expired holder).</summary>
    /// <exception cref="Exception">The API call's failure (the term, if any, is kept for the next call).</exception>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var start = this.time.GetTimestamp();
        LeaseRecord? own;
        lock (gate)
        {
            own = this.election.Own;
        }

        var outcome = await round.AttemptAsync(own, leadingNow: own is not null, cancellationToken, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        lock (gate)
        {
            if (outcome.Written is { } written)
            {
                if (own is not null && this.election.IsLeading)
                {
                    this.election.Renewed(written, start);
                }
                else
                {
                    this.election.Won(written, start);
                }

                return true;
            }

            if (outcome.HeldBy is not null && this.election.IsLeading)
            {
                this.election.StepDown(mayRetake: false); // Someone else's term (or another process with this identity).
            }

            return false;
        }
    }

    /// <summary>Gives the Lease up on shutdown (holder cleared, lease duration 1 s) so another replica takes over at its next poll, not after the duration.</summary>
    /// <exception cref="Exception">The API call's failure; the Lease then simply expires.</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        LeaseRecord? own;
        lock (gate)
        {
            own = this.election.Own;
            this.election.StepDown(mayRetake: false);
        }

        if (own is not null)
        {
            await round.ReleaseAsync(own, this.election.Identity, Released, cancellationToken).ConfigureAwait(false);
        }
    }

    private LeaseRecord Released(LeaseRecord current)
    {
        lock (gate)
        {
            return this.election.Released(current);
        }
    }

    /// <summary>The lock's side of <see cref="LeaseRound"/>: each call under its lock.</summary>
    private sealed class Campaign(CertificateLeaseLock owner) : ILeaseCampaign
    {
        public bool IsLeading
        {
            get
            {
                lock (owner.gate)
                {
                    return owner.election.IsLeading;
                }
            }
        }

        public long ReadMark
        {
            get
            {
                lock (owner.gate)
                {
                    return owner.election.Seen.Count;
                }
            }
        }

        public void Observe(LeaseRecord? record, long readMark)
        {
            lock (owner.gate)
            {
                var election = owner.election;
                if (election.Observe(record, readMark) != LeaseChange.Stale && election.IsLeading && record?.IsHeld != true)
                {
                    // Deleted or cleared under this replica's term: nobody else can hold a newer one while that term
                    // runs, so this replica starts the next one at once if its term was still fresh.
                    election.StepDown(mayRetake: election.RenewedWithin(TimeSpan.FromSeconds(election.LeaseDurationSeconds)));
                }
            }
        }

        public LeaseWrite? Decide(LeaseRecord? current, bool leadingNow)
        {
            lock (owner.gate)
            {
                var election = owner.election;
                if (!election.Allows(current, leadingNow))
                {
                    return null;
                }

                var previousHolder = election.Seen.PreviousHolderOf(current);
                return new LeaseWrite(election.Desired(current, leadingNow, previousHolder), previousHolder);
            }
        }
    }
}
